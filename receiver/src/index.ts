// Public API of @lunadefend/receiver; filled in by its component.
export {};
