/**
 * Engine-neutral checkpoints. {@link dev.lightning4j.checkpoint.Checkpoint} is the whole training
 * state as a value; {@link dev.lightning4j.checkpoint.CheckpointIO} publishes it atomically as a
 * directory ({@code model.safetensors}, {@code optimizer.safetensors}, {@code state.json}) and loads
 * it back with validation; {@link dev.lightning4j.checkpoint.SafeTensors} reads and writes the
 * safetensors format that PyTorch users load with {@code safetensors.torch.load_file}. Every failure
 * is a {@link dev.lightning4j.checkpoint.CheckpointException} naming the file and the key.
 */
package dev.lightning4j.checkpoint;
