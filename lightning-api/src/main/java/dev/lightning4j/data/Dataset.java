package dev.lightning4j.data;

/** A finite, indexable collection of examples that can be gathered into batches. */
public interface Dataset {

    /** The number of examples. */
    int size();

    /** The examples at {@code indices}, collated into one batch in that order. */
    HostBatch batch(int[] indices);
}
