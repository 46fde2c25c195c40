// The package's own name and version, used as the instrumentation scope (a test keeps the
// version equal to package.json's).
export const PACKAGE_NAME = '@lunadefend/metrics';
export const PACKAGE_VERSION = '0.1.0';
