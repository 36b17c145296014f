package dev.lightning4j.nn;

import dev.lightning4j.nn.functional.F;
import dev.lightning4j.nn.init.Init;
import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link LSTM} and {@link GRU} share, as PyTorch's {@code RNNBase} (unidirectional): per layer
 * {@code k} the parameters {@code weight_ih_lk [G*hidden, in_k]}, {@code weight_hh_lk [G*hidden, hidden]},
 * {@code bias_ih_lk} and {@code bias_hh_lk [G*hidden]} (G gates stacked in PyTorch's order), all
 * drawn from U(-1/sqrt(hidden), 1/sqrt(hidden)) in that order.
 *
 * <p>The recurrence is unrolled over the time steps with ordinary tensor ops, so the sequence length
 * must be known when the step is built (on TensorFlow the traced batch dimension is unknown, which
 * is why {@code batchFirst} inputs unroll there and time-major ones need a known length). The input
 * projection of every time step is one matmul before the loop. Between layers, dropout with
 * probability {@code dropout} applies in training mode, as in PyTorch.
 */
public abstract class RNNBase extends Module {
    private final String kind;
    private final int gates;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean batchFirst;
    private final boolean bias;
    private final double dropout;
    private final List<Parameter[]> layers = new ArrayList<>();

    /** Checks the arguments and registers every layer's parameters. */
    protected RNNBase(String kind, int gates, int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst,
                      double dropout, Generator generator) {
        this.kind = kind;
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException(kind + ": inputSize, hiddenSize and numLayers must be positive, got inputSize="
                    + inputSize + ", hiddenSize=" + hiddenSize + ", numLayers=" + numLayers);
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException(kind + ": dropout must be in [0, 1], got " + dropout);
        }
        this.gates = gates;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.batchFirst = batchFirst;
        this.bias = bias;
        this.dropout = dropout;
        double bound = 1.0 / Math.sqrt(hiddenSize);
        long g = (long) gates * hiddenSize;
        for (int k = 0; k < numLayers; k++) {
            long in = k == 0 ? inputSize : hiddenSize;
            Parameter[] p = new Parameter[4];
            p[0] = registerParameter("weight_ih_l" + k, Init.uniform(Shape.of(g, in), -bound, bound, generator));
            p[1] = registerParameter("weight_hh_l" + k, Init.uniform(Shape.of(g, hiddenSize), -bound, bound, generator));
            if (bias) {
                p[2] = registerParameter("bias_ih_l" + k, Init.uniform(Shape.of(g), -bound, bound, generator));
                p[3] = registerParameter("bias_hh_l" + k, Init.uniform(Shape.of(g), -bound, bound, generator));
            }
            layers.add(p);
        }
    }

    /** Features per input time step. */
    public int inputSize() {
        return inputSize;
    }

    /** Features of the hidden state. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Stacked layers. */
    public int numLayers() {
        return numLayers;
    }

    /** True when inputs and outputs are {@code [batch, seq, feature]} rather than {@code [seq, batch, feature]}. */
    public boolean batchFirst() {
        return batchFirst;
    }

    /** True when the layers have biases. */
    public boolean hasBias() {
        return bias;
    }

    /**
     * The hidden-state recurrence of one time step: {@code xProj} is {@code W_i x + b_i}
     * {@code [B, G*hidden]}, {@code hProj} is {@code W_h h + b_h}, {@code state} the previous states
     * (h first); returns the new states (h first).
     */
    protected abstract Tensor[] cell(Tensor xProj, Tensor hProj, Tensor[] state);

    /** The number of state tensors per layer: 2 for LSTM (h, c), 1 for GRU (h). */
    protected abstract int stateCount();

    /** Gate {@code i} of a stacked projection {@code [B, G*hidden]}. */
    protected Tensor gate(Tensor stacked, int i) {
        return stacked.slice(-1, (long) i * hiddenSize, (long) (i + 1) * hiddenSize);
    }

    /**
     * Runs every layer over the sequence. {@code initial} holds, per state, a {@code [numLayers, B, hidden]}
     * tensor or null for zeros. Returns the output sequence (in the input's layout) followed by each
     * final state stacked over layers.
     */
    protected Tensor[] run(Tensor input, Tensor[] initial) {
        boolean unbatched = input.rank() == 2;
        if (input.rank() != 2 && input.rank() != 3) {
            throw new IllegalArgumentException(this + ": expected input of shape " + layout() + " or unbatched [seq, "
                    + inputSize + "], got " + input.shape());
        }
        long features = input.size(-1);
        if (features != Shape.UNKNOWN && features != inputSize) {
            throw new IllegalArgumentException(this + ": input " + input.shape() + " has " + features
                    + " features in its last dimension; expected " + inputSize + " as in " + layout());
        }
        // Work batch-first: [B, T, F].
        Tensor seq = unbatched ? input.unsqueeze(0) : batchFirst ? input : input.transpose(0, 1);
        long steps = seq.size(1);
        if (steps == Shape.UNKNOWN) {
            throw new IllegalArgumentException(this + ": the sequence length of input " + input.shape()
                    + " is unknown while the step is traced; the recurrence is unrolled, so it must be known "
                    + "(use batchFirst=true so that only the batch dimension is dynamic)");
        }
        if (steps == 0) {
            throw new IllegalArgumentException(this + ": input " + input.shape() + " has an empty sequence");
        }
        int n = stateCount();
        Tensor[][] finals = new Tensor[n][numLayers];
        for (int k = 0; k < numLayers; k++) {
            Parameter[] p = layers.get(k);
            Tensor wIh = p[0].value();
            Tensor wHh = p[1].value();
            Tensor bIh = bias ? p[2].value() : null;
            Tensor bHh = bias ? p[3].value() : null;
            Tensor xProj = F.linear(seq, wIh, bIh); // [B, T, G*hidden]
            Tensor[] state = new Tensor[n];
            for (int s = 0; s < n; s++) {
                Tensor given = initial == null || initial[s] == null ? null : initialState(initial[s], s, unbatched);
                // Zeros shaped like one hidden state; built from the projection so a dynamic batch follows along.
                state[s] = given != null ? given.select(0, k) : gate(xProj.select(1, 0), 0).zerosLike();
            }
            List<Tensor> outs = new ArrayList<>((int) steps);
            for (int t = 0; t < steps; t++) {
                Tensor hProj = F.linear(state[0], wHh, bHh);
                state = cell(xProj.select(1, t), hProj, state);
                outs.add(state[0]);
            }
            seq = Tensor.stack(outs, 1); // [B, T, hidden]
            for (int s = 0; s < n; s++) {
                finals[s][k] = state[s];
            }
            if (k < numLayers - 1 && dropout > 0) {
                seq = F.dropout(seq, dropout, isTraining());
            }
        }
        Tensor[] out = new Tensor[n + 1];
        out[0] = unbatched ? seq.squeeze(0) : batchFirst ? seq : seq.transpose(0, 1);
        for (int s = 0; s < n; s++) {
            Tensor stacked = Tensor.stack(List.of(finals[s]), 0); // [numLayers, B, hidden]
            out[s + 1] = unbatched ? stacked.squeeze(1) : stacked;
        }
        return out;
    }

    private Tensor initialState(Tensor given, int index, boolean unbatched) {
        Tensor s = unbatched && given.rank() == 2 ? given.unsqueeze(1) : given;
        if (s.rank() != 3 || !fits(s.size(0), numLayers) || !fits(s.size(2), hiddenSize)) {
            throw new IllegalArgumentException(this + ": initial state " + index + " must have shape [" + numLayers
                    + ", batch, " + hiddenSize + "]" + (unbatched ? " or [" + numLayers + ", " + hiddenSize + "]" : "")
                    + ", got " + given.shape());
        }
        return s;
    }

    private static boolean fits(long actual, long expected) {
        return actual == Shape.UNKNOWN || actual == expected;
    }

    private String layout() {
        return batchFirst ? "[batch, seq, " + inputSize + "]" : "[seq, batch, " + inputSize + "]";
    }

    /** The full output sequence: {@code [batch, seq, hidden]} when batch-first, else {@code [seq, batch, hidden]}. */
    @Override
    public Tensor forward(Tensor input) {
        return run(input, null)[0];
    }

    @Override
    public String toString() {
        return kind + "(" + inputSize + ", " + hiddenSize + (numLayers != 1 ? ", num_layers=" + numLayers : "")
                + (bias ? "" : ", bias=False") + (batchFirst ? ", batch_first=True" : "")
                + (dropout > 0 ? ", dropout=" + dropout : "") + ")";
    }
}
