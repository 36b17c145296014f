package dev.lightning4j.nn;

import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Tensor;

/**
 * A gated recurrent unit network, as {@code torch.nn.GRU} (unidirectional): gates stacked
 * {@code r, z, n} in PyTorch's parameter layout (see {@link RNNBase}), with PyTorch's exact formula
 * (the reset gate multiplies the hidden projection including its bias):
 * <pre>
 * r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 * h' = (1 - z) * n + z * h
 * </pre>
 * {@link #forward} returns the output sequence; {@link #forwardWithState} also returns {@code h_n}.
 */
public class GRU extends RNNBase {

    /**
     * The result of {@link #forwardWithState}.
     *
     * @param output the last layer's hidden state at every step, in the input's layout
     * @param hN     each layer's final hidden state {@code [numLayers, batch, hidden]}
     */
    public record Output(Tensor output, Tensor hN) {
    }

    /** One layer, with bias, {@code [seq, batch, feature]} layout, from the default generator. */
    public GRU(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, true, false, 0, Generator.defaultGenerator());
    }

    /** Layers and layout, with bias, from the default generator. */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean batchFirst) {
        this(inputSize, hiddenSize, numLayers, true, batchFirst, 0, Generator.defaultGenerator());
    }

    /** Every option; initial values come from {@code generator} in PyTorch's parameter order. */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout, Generator generator) {
        super("GRU", 3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, generator);
    }

    /** The output sequence and final state, starting from zeros. */
    public Output forwardWithState(Tensor input) {
        return forwardWithState(input, null);
    }

    /** The output sequence and final state, starting from {@code h0} {@code [numLayers, batch, hidden]} (null: zeros). */
    public Output forwardWithState(Tensor input, Tensor h0) {
        Tensor[] r = run(input, new Tensor[] {h0});
        return new Output(r[0], r[1]);
    }

    @Override
    protected int stateCount() {
        return 1;
    }

    @Override
    protected Tensor[] cell(Tensor xProj, Tensor hProj, Tensor[] state) {
        Tensor r = gate(xProj, 0).add(gate(hProj, 0)).sigmoid();
        Tensor z = gate(xProj, 1).add(gate(hProj, 1)).sigmoid();
        Tensor n = gate(xProj, 2).add(r.mul(gate(hProj, 2))).tanh();
        // (1 - z) * n + z * h, written as n + z * (h - n): one op fewer, same value.
        return new Tensor[] {n.add(z.mul(state[0].sub(n)))};
    }
}
