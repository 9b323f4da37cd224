// The element type of the float64 build: compiled with `--lib src/kernels/assembly/f64`, so `float` is a global alias.
export type float = f64;
