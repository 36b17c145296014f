/**
 * The PyTorch backend: libtorch through DJL 0.36.0, run eagerly. Select it with
 * {@code Backends.create("pytorch")} or bind {@link dev.lightning4j.pytorch.PyTorchModule}.
 */
package dev.lightning4j.pytorch;
