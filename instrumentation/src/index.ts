// Public API of @lunadefend/metrics; filled in by its component.
export {};
