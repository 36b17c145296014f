package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.init.Init;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;

/**
 * A lookup table, as {@code torch.nn.Embedding}: {@code weight [numEmbeddings, embeddingDim]}
 * initialised from N(0, 1); integer indices of any shape give {@code indices.shape + [embeddingDim]}.
 * Indices must lie in {@code [0, numEmbeddings)}; they are not checked on the host because inside a
 * step their values are not available there.
 */
public class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final Parameter weight;

    /** A table initialised from the default generator. */
    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, Generator.defaultGenerator());
    }

    /** A table initialised from {@code generator}. */
    public Embedding(int numEmbeddings, int embeddingDim, Generator generator) {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding: numEmbeddings and embeddingDim must be positive, got "
                    + numEmbeddings + " and " + embeddingDim);
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", Init.normal(Shape.of(numEmbeddings, embeddingDim), 0, 1, generator));
    }

    /** The number of rows. */
    public int numEmbeddings() {
        return numEmbeddings;
    }

    /** The size of each row. */
    public int embeddingDim() {
        return embeddingDim;
    }

    /** The table {@code [numEmbeddings, embeddingDim]}. */
    public Parameter weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor indices) {
        if (indices.dtype().isFloating() || indices.dtype() == dev.lightning4j.tensor.DType.BOOL) {
            throw new IllegalArgumentException(this + ": expected integer indices, got " + indices.dtype() + " with shape "
                    + indices.shape());
        }
        return F.embedding(indices, weight.value());
    }

    @Override
    public String toString() {
        return "Embedding(" + numEmbeddings + ", " + embeddingDim + ")";
    }
}
