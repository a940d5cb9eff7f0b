// The ES module build of @pdf-lib/fontkit (support/pdf/build.ts) has the package's own typings.
declare module '@pdf-lib/fontkit/dist/fontkit.es.js' {
  import fontkit from '@pdf-lib/fontkit';
  export default fontkit;
}
