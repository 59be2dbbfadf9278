/** Regular expressions given by users (route matches, metric selectors): checked by compiling them. */

/** Whether `pattern` compiles as a JavaScript regular expression. */
export function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
