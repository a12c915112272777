package io.tally.model.codec;

/**
 * The binary form of one kind of value: how its fields are written into a {@link ByteSink} and read
 * back. The pipeline's coders, the hot store's bins and the history rows all go through these, so a
 * value has one binary form wherever it is kept.
 */
public interface Codec<T> extends Binary.Writer<T>, Binary.Reader<T> {}
