package dev.lightning4j.nn;

import dev.lightning4j.random.Generator;
import dev.lightning4j.tensor.Tensor;

/**
 * A long short-term memory network, as {@code torch.nn.LSTM} (unidirectional, no projection):
 * gates stacked {@code i, f, g, o} in PyTorch's parameter layout (see {@link RNNBase}), with
 * <pre>
 * i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)    f = sigmoid(W_if x + b_if + W_hf h + b_hf)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)       o = sigmoid(W_io x + b_io + W_ho h + b_ho)
 * c' = f * c + i * g                            h' = o * tanh(c')
 * </pre>
 * {@link #forward} returns the output sequence; {@link #forwardWithState} also returns
 * {@code h_n} and {@code c_n}.
 */
public class LSTM extends RNNBase {

    /**
     * The result of {@link #forwardWithState}.
     *
     * @param output the last layer's hidden state at every step, in the input's layout
     * @param hN     each layer's final hidden state {@code [numLayers, batch, hidden]}
     * @param cN     each layer's final cell state {@code [numLayers, batch, hidden]}
     */
    public record Output(Tensor output, Tensor hN, Tensor cN) {
    }

    /** One layer, with bias, {@code [seq, batch, feature]} layout, from the default generator. */
    public LSTM(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, 1, true, false, 0, Generator.defaultGenerator());
    }

    /** Layers and layout, with bias, from the default generator. */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean batchFirst) {
        this(inputSize, hiddenSize, numLayers, true, batchFirst, 0, Generator.defaultGenerator());
    }

    /** Every option; initial values come from {@code generator} in PyTorch's parameter order. */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout, Generator generator) {
        super("LSTM", 4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, generator);
    }

    /** The output sequence and final states, starting from zero states. */
    public Output forwardWithState(Tensor input) {
        return forwardWithState(input, null, null);
    }

    /** The output sequence and final states, starting from {@code h0} and {@code c0} {@code [numLayers, batch, hidden]} (null: zeros). */
    public Output forwardWithState(Tensor input, Tensor h0, Tensor c0) {
        Tensor[] r = run(input, new Tensor[] {h0, c0});
        return new Output(r[0], r[1], r[2]);
    }

    @Override
    protected int stateCount() {
        return 2;
    }

    @Override
    protected Tensor[] cell(Tensor xProj, Tensor hProj, Tensor[] state) {
        Tensor g = xProj.add(hProj);
        Tensor i = gate(g, 0).sigmoid();
        Tensor f = gate(g, 1).sigmoid();
        Tensor cand = gate(g, 2).tanh();
        Tensor o = gate(g, 3).sigmoid();
        Tensor c = f.mul(state[1]).add(i.mul(cand));
        return new Tensor[] {o.mul(c.tanh()), c};
    }
}
