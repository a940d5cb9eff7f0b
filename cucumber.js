// Cucumber configuration. `fse-harness run` (npm run accreditation) loads this file and adds the run-specific
// reporters (Allure results, JUnit, HTML, messages) in the run directory. For a quick manual run of one slice:
//   NODE_OPTIONS="--import tsx" npx cucumber-js --tags "@LAB and @positivo"
export default {
  paths: ['features/**/*.feature'],
  import: ['steps/**/*.ts'],
  format: ['summary'],
  publishQuiet: true,
};
