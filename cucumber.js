// Cucumber configuration. `fse-harness run` (npm run accreditation) loads this file, passes the feature paths
// (features/**/*.feature, or the ones given on its command line) and adds the run-specific reporters (Allure
// results, JUnit) in the run directory. There are no `paths` here on purpose: Cucumber ADDS configured paths to the
// ones given on its command line, so a path given to cucumber-js runs only that path. For a quick manual run:
//   NODE_OPTIONS="--import tsx" npx cucumber-js features/04-eliminazione.feature --tags @LAB
// (without a path, Cucumber's default features/**/*.feature runs everything).
export default {
  import: ['steps/*.ts'],
  format: ['./steps/formatters/summary.ts'],
  // each test case goes to its worker with only its own part of the feature's AST (see the file)
  plugin: ['./steps/plugins/worker-documents.ts'],
  publishQuiet: true,
};
