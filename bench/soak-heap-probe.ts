/**
 * Loaded into the server `npm run soak` starts itself (node --expose-gc … --import bench/soak-heap-probe.ts
 * src/main.ts), never into npm start. On SIGUSR2: a full garbage collection, then one line on stderr with
 * the live heap. RSS alone cannot tell a leak from garbage the collector has not reclaimed yet (V8 lets
 * the heap grow to a working size, and the allocator keeps freed pages); the heap still in use right
 * after a full collection can.
 */
const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  if (!gc) return;
  gc();
  const { heapUsed } = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ soakHeapUsedMb: Math.round(heapUsed / 104_857.6) / 10 })}\n`);
});
