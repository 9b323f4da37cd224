// The element type of the float32 build: compiled with `--lib src/kernels/assembly/f32`, so `float` is a global alias.
export type float = f32;
