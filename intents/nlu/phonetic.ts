/**
 * A rough French phonetic key: two spellings that sound alike get the same key (« egzamin » and
 * « examen », « rektora » and « rectorat », « siklad » and « cyclades », « coman » and « comment »).
 *
 * Why: learners who write as they speak (dyslexia, French learnt by ear) are several letters away from
 * the word they mean, beyond what an edit distance of 1–2 corrects, while the sound is intact. Typo
 * correction falls back on this key for words it does not know (see Preprocessor.correct).
 *
 * Input: a folded word (lower case, no accents, letters a–z). Upper-case letters in the key stand for
 * sounds written with two letters: S « ch », U « ou », N the nasal vowels an/en/in/un, O « on ».
 */
export function phoneticKey(word: string): string {
  let s = word
    .replace(/sch|sh|ch/g, 'S')
    .replace(/ph/g, 'f')
    .replace(/h/g, '')
    .replace(/qu?/g, 'k')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/gu(?=[eiy])/g, 'G')
    .replace(/g(?=[eiy])/g, 'j')
    .replace(/G/g, 'g')
    .replace(/gn/g, 'n')
    // « examen » is said « egzamin »: both become « eksamN ».
    .replace(/x/g, 'ks')
    .replace(/gz/g, 'ks')
    .replace(/z/g, 's')
    // « sanction » is said « sanksion ».
    .replace(/tion/g, 'sion')
    .replace(/w/g, 'v')
    .replace(/y/g, 'i')
    // « compte » is said « conte »: the p is silent.
    .replace(/mp(?=t)/g, 'm')
    .replace(/(.)\1+/g, '$1')
    .replace(/eau|au/g, 'o')
    .replace(/ai|ei/g, 'e')
    .replace(/ou/g, 'U')
    // Nasal vowels: a vowel and n/m not followed by a vowel.
    .replace(/o[nm](?![aeiouU])/g, 'O')
    .replace(/[aeiu][nm](?![aeiouU])/g, 'N');
  // Silent endings: « inscris », « inscrit » and « inskri »; « cyclades » and « siklad ».
  while (s.length > 2 && /[estdxp]$/.test(s)) s = s.slice(0, -1);
  return s;
}
