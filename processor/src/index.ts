// Public API of @lunadefend/collector; filled in by its component.
export {};
