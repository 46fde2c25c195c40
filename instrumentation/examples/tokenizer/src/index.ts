// Public API of @lunadefend/example-tokenizer; filled in by its component.
export {};
