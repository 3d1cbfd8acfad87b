/**
 * The safetensors checkpoint format: a memory-mapped, validating reader ({@link
 * io.llmops4j.core.safetensors.SafetensorsFile}), a whole-checkpoint view over a single file or a sharded
 * {@code model.safetensors.index.json} ({@link io.llmops4j.core.safetensors.SafetensorsCheckpoint}) and a
 * writer ({@link io.llmops4j.core.safetensors.SafetensorsWriter}) used by tests and LoRA adapter export.
 *
 * <p>A file is an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON mapping each
 * tensor name to its {@code dtype}, {@code shape} and {@code data_offsets} (relative to the end of the
 * header), an optional {@code "__metadata__"} string map, and then the raw little-endian tensor data. The
 * reader validates the whole header before it maps or allocates anything for tensor data, and reports every
 * violation as a {@link io.llmops4j.core.ModelFormatException} naming the file, the tensor and the expected
 * versus found values. Tensors are mapped with {@link java.nio.channels.FileChannel#map} one tensor (or one
 * window of at most 1 GiB) at a time, so files and tensors larger than 2 GiB work.
 */
package io.llmops4j.core.safetensors;
