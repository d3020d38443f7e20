// Lit's css`` templates minified by lightningcss, with a check: lightningcss writes a number inside var() or
// calc() back with 6 significant digits (2147483000 became 2147480000), so a number that does not come out
// digit for digit stops the build instead of changing what the page draws.
import { defaultStrategy } from '@lit-labs/rollup-plugin-minify-html-literals/lib/strategy.js';

/** Numbers with more than 6 significant digits: the ones lightningcss may round. */
const LONG_NUMBER = /(?<![\w#.])\d*\.?\d+/g;
const long = text =>
  (text.match(LONG_NUMBER) ?? []).filter(number => number.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length > 6);

export const exactCSS = {
  ...defaultStrategy,
  minifyCSS(css, options) {
    const minified = defaultStrategy.minifyCSS(css, options);
    const kept = new Set(long(minified));
    const changed = long(css.replace(/\/\*[\s\S]*?\*\//g, '')).filter(number => !kept.has(number));
    if (changed.length > 0)
      throw new Error(`lightningcss would change ${changed.join(', ')}: write each with at most 6 significant digits`);
    return minified;
  },
};
