/** The version `skm --version` prints; the build script injects it from package.json. */
declare const SKM_VERSION: string | undefined;

export const VERSION: string = typeof SKM_VERSION === 'string' ? SKM_VERSION : '0.0.0-dev';
