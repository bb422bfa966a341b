/** Quarry's version: shown by `quarry --version`, in user agents and in the OpenAPI document. */
export const quarryVersion = '0.1.0';
