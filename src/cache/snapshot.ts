import { deserialize, serialize } from 'node:v8';

/**
 * An object graph as bytes and back, class instances included: V8's structured serialisation (which
 * keeps Maps, Sets, RegExps, typed arrays, shared and circular references) plus a table of which
 * objects were instances of which class, whose prototypes are put back on reading — what natural's
 * own classifiers do to restore a saved model (`Object.setPrototypeOf(classifier, BayesClassifier.prototype)`).
 *
 * Only what such a graph can hold faithfully is accepted: plain data, and instances of the classes
 * named in `classes` whose own properties are plain enumerable fields. A function, an accessor, a
 * symbol or non-enumerable key, or an instance of a class not named, makes `snapshot` throw a
 * SnapshotRefused naming it — never a snapshot that would read back as something else.
 */
export type ClassTable = Readonly<Record<string, { readonly prototype: object }>>;

export class SnapshotRefused extends Error {}

/** Prototypes V8's serialisation restores by itself. */
const NATIVE = new Set<object | null>([
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  RegExp.prototype,
  Date.prototype,
  ArrayBuffer.prototype,
  Int8Array.prototype,
  Uint8Array.prototype,
  Uint8ClampedArray.prototype,
  Int16Array.prototype,
  Uint16Array.prototype,
  Int32Array.prototype,
  Uint32Array.prototype,
  Float32Array.prototype,
  Float64Array.prototype,
  BigInt64Array.prototype,
  BigUint64Array.prototype,
]);
/** Natives whose insides are not object references to walk. */
const LEAVES = new Set<object>([RegExp.prototype, Date.prototype, ArrayBuffer.prototype]);

/** Every object reachable from `root`, once each (own fields, array elements, Map entries, Set values). */
function walk(root: unknown, visit: (object: object, path: string) => void): void {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    visit(value, path);
    const proto = Object.getPrototypeOf(value) as object | null;
    if (LEAVES.has(proto!) || ArrayBuffer.isView(value)) continue;
    const add = (child: unknown, where: string) => {
      if (child !== null && typeof child === 'object') stack.push([child, where]);
    };
    if (value instanceof Map)
      for (const [k, v] of value as Map<unknown, unknown>) {
        add(k, `${path}<key>`);
        add(v, `${path}<value>`);
      }
    else if (value instanceof Set) for (const v of value as Set<unknown>) add(v, `${path}<item>`);
    for (const key of Object.keys(value)) add((value as Record<string, unknown>)[key], `${path}.${key}`);
  }
}

/** The bytes of `root`; throws SnapshotRefused when the graph holds something that would not read back the same. */
export function snapshot(root: unknown, classes: ClassTable): Buffer {
  const nameOf = new Map<object, string>(Object.entries(classes).map(([name, c]) => [c.prototype, name]));
  // The instances themselves are serialised beside the root: V8 keeps an object's identity within one
  // serialisation, so on reading each is the very object of the graph read back, without a walk.
  const instances: object[] = [];
  const names: (string | null)[] = [];
  walk(root, (object, path) => {
    const proto = Object.getPrototypeOf(object) as object | null;
    if (object instanceof RegExp) {
      // Read back with lastIndex 0: a global expression left in the middle of a search would not be the same.
      if (object.lastIndex !== 0) throw new SnapshotRefused(`${path}: a regular expression in the middle of a search`);
      if (proto === RegExp.prototype) return;
    }
    if (ArrayBuffer.isView(object) && NATIVE.has(proto)) return;
    const keys = Reflect.ownKeys(object);
    const own = Array.isArray(object) ? keys.filter((k) => k !== 'length') : keys;
    for (const key of own) {
      const d = Object.getOwnPropertyDescriptor(object, key)!;
      if (typeof key === 'symbol' || !d.enumerable || d.get || d.set)
        throw new SnapshotRefused(`${path || 'the root'}: property ${String(key)} is not a plain field`);
      if (typeof d.value === 'function') throw new SnapshotRefused(`${path}.${key}: a function`);
    }
    if (NATIVE.has(proto)) return;
    if ((object instanceof Map || object instanceof Set) && keys.length > 0)
      throw new SnapshotRefused(`${path}: a Map or Set with properties of its own`);
    const name = proto === null ? null : nameOf.get(proto);
    if (name === undefined)
      throw new SnapshotRefused(
        `${path || 'the root'}: an instance of ${(proto!.constructor as { name?: string } | undefined)?.name ?? 'an unknown class'}, which the snapshot's class table does not name`,
      );
    instances.push(object);
    names.push(name);
  });
  try {
    return serialize({ root, instances, names });
  } catch (err) {
    throw new SnapshotRefused(`cannot serialise: ${(err as Error).message}`);
  }
}

/** The graph `snapshot` wrote, its class instances with their prototypes again. */
export function restore(bytes: Buffer, classes: ClassTable): unknown {
  const { root, instances, names } = deserialize(bytes) as {
    root: unknown;
    instances: object[];
    names: (string | null)[];
  };
  const prototypes = names.map((name) => {
    if (name === null) return null;
    if (!Object.hasOwn(classes, name))
      throw new SnapshotRefused(`the snapshot holds an instance of ${name}, a class not named now`);
    return classes[name]!.prototype;
  });
  for (const [i, object] of instances.entries()) Object.setPrototypeOf(object, prototypes[i]!);
  return root;
}
