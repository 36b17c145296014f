package dev.lightning4j.nn.functional;

import dev.lightning4j.tensor.DType;
import dev.lightning4j.tensor.Shape;
import dev.lightning4j.tensor.Shapes;
import dev.lightning4j.tensor.Tensor;
import dev.lightning4j.tensor.WindowShapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Objects;

/**
 * Functional layers and losses, as {@code torch.nn.functional}. Everything here is composed from
 * {@link Tensor} ops that have gradients on every engine, reads no value back to the host, and so
 * runs the same eagerly and inside a traced step.
 *
 * <p>Losses follow PyTorch's semantics and default to {@link Reduction#MEAN}. Bad arguments fail
 * with an {@link IllegalArgumentException} that names the loss, the shapes and what was expected.
 */
public final class F {
    /** PyTorch's default {@code ignore_index}: targets equal to it do not count. */
    public static final long IGNORE_INDEX = -100;

    private F() {
    }

    // ================================================================ activations

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** 1 / (1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** Exact (erf-based) GELU, PyTorch's default. */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /** Softmax along {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /** Log-softmax along {@code dim}. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    /**
     * {@code log(1 + e^x)}, computed without overflow and with PyTorch's gradient {@code sigmoid(x)}
     * everywhere (including at 0, where a formula built from {@code max} and {@code abs} would give
     * a one-sided derivative).
     */
    public static Tensor softplus(Tensor x) {
        requireFloating("softplus", "input", x);
        Tensor positive = x.gt(0);
        Tensor zeros = x.zerosLike();
        // Each branch only sees the inputs it is selected for, so neither overflows (and no NaN
        // leaks into the gradient of the branch that is not taken).
        Tensor xp = Tensor.where(positive, x, zeros);
        Tensor xn = Tensor.where(positive, zeros, x);
        Tensor forPositive = xp.add(xp.neg().exp().log1p());
        Tensor forOther = xn.exp().log1p();
        return Tensor.where(positive, forPositive, forOther);
    }

    /** {@code log(sigmoid(x))}, computed stably. */
    public static Tensor logSigmoid(Tensor x) {
        return softplus(x.neg()).neg();
    }

    /**
     * Dropout: in training mode zeroes each element with probability {@code p} and scales the rest
     * by {@code 1/(1-p)}; otherwise returns {@code x} unchanged.
     */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        return p == 1 ? x.mul(0.0) : x.dropout(p);
    }

    /**
     * {@code x @ weight^T + bias}, as {@code torch.nn.functional.linear}.
     *
     * @param x      input {@code [..., in]}
     * @param weight {@code [out, in]}
     * @param bias   {@code [out]}, or null for none
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return x.linear(weight, bias); // checks shapes, then the engine's fused kernel
    }

    // ================================================================ convolution and pooling

    /**
     * {@code torch.nn.functional.conv1d}: {@code x} {@code [N, C_in, L]} (or unbatched {@code [C_in, L]}),
     * {@code weight} {@code [C_out, C_in/groups, k]}, {@code bias} {@code [C_out]} or null.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return convNd("conv1d", 1, x, weight, bias, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups);
    }

    /** {@code conv1d} with stride 1, no padding, no dilation and one group. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias) {
        return conv1d(x, weight, bias, 1, 0, 1, 1);
    }

    /**
     * {@code torch.nn.functional.conv2d}: {@code x} {@code [N, C_in, H, W]} (or unbatched
     * {@code [C_in, H, W]}), {@code weight} {@code [C_out, C_in/groups, kh, kw]}, {@code bias}
     * {@code [C_out]} or null. {@code stride}, {@code padding} and {@code dilation} hold one value
     * (for both dimensions) or two (height, width).
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return convNd("conv2d", 2, x, weight, bias, stride, padding, dilation, groups);
    }

    /** {@code conv2d} with stride 1, no padding, no dilation and one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    private static Tensor convNd(String op, int spatial, Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                 int[] dilation, int groups) {
        int[] st = WindowShapes.perDim(op, "stride", stride, spatial);
        int[] pad = WindowShapes.perDim(op, "padding", padding, spatial);
        int[] dil = WindowShapes.perDim(op, "dilation", dilation, spatial);
        return unbatched(op, spatial, x, batched -> {
            return batched.conv(weight, bias, st, pad, dil, groups); // the bias is added in the engine's conv kernel
        });
    }

    /** A {@code [C]} vector viewed as {@code [C, 1, ...]} so that it broadcasts over {@code spatial} trailing dimensions. */
    private static Tensor perChannel(Tensor v, int spatial) {
        long[] shape = new long[spatial + 1];
        Arrays.fill(shape, 1);
        shape[0] = v.size(0);
        return v.reshape(shape);
    }

    /**
     * Runs {@code fn} on a batched input: an unbatched input (rank {@code spatial + 1}, as PyTorch
     * allows) gets a batch dimension of 1 and loses it again afterwards.
     */
    private static Tensor unbatched(String op, int spatial, Tensor x, java.util.function.UnaryOperator<Tensor> fn) {
        if (x.rank() == spatial + 1) {
            return fn.apply(x.unsqueeze(0)).squeeze(0);
        }
        if (x.rank() != spatial + 2) {
            String dims = spatial == 1 ? "L" : "H, W";
            throw new IllegalArgumentException(op + ": expected an input of shape [N, C, " + dims + "] or unbatched [C, " + dims
                    + "], got " + x.shape() + " of rank " + x.rank());
        }
        return fn.apply(x);
    }

    /**
     * {@code torch.nn.functional.max_pool1d} on {@code [N, C, L]} (or {@code [C, L]}); {@code stride}
     * defaults to the kernel size when {@code <= 0}.
     */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool("maxPool1d", 1, true, x, new int[] {kernel}, stride <= 0 ? null : new int[] {stride}, new int[] {padding});
    }

    /**
     * {@code torch.nn.functional.max_pool2d} on {@code [N, C, H, W]} (or {@code [C, H, W]}); one value
     * or two (height, width) per argument, and a null {@code stride} means the kernel size.
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return pool("maxPool2d", 2, true, x, kernel, stride, padding);
    }

    /** {@code max_pool2d} with a square kernel, stride equal to it and no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, new int[] {kernel}, null, new int[] {0});
    }

    /** {@code torch.nn.functional.avg_pool1d} (count_include_pad); {@code stride <= 0} means the kernel size. */
    public static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool("avgPool1d", 1, false, x, new int[] {kernel}, stride <= 0 ? null : new int[] {stride}, new int[] {padding});
    }

    /**
     * {@code torch.nn.functional.avg_pool2d} with its defaults (floor mode, zero padding counted in
     * every window); a null {@code stride} means the kernel size.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return pool("avgPool2d", 2, false, x, kernel, stride, padding);
    }

    /** {@code avg_pool2d} with a square kernel, stride equal to it and no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, new int[] {kernel}, null, new int[] {0});
    }

    private static Tensor pool(String op, int spatial, boolean max, Tensor x, int[] kernel, int[] stride, int[] padding) {
        int[] k = WindowShapes.perDim(op, "kernel size", kernel, spatial);
        int[] st = stride == null ? k : WindowShapes.perDim(op, "stride", stride, spatial);
        int[] pad = WindowShapes.perDim(op, "padding", padding, spatial);
        return unbatched(op, spatial, x, b -> max ? b.maxPool(k, st, pad) : b.avgPool(k, st, pad));
    }

    /**
     * {@code torch.nn.functional.adaptive_avg_pool2d} to {@code [outH, outW]}: output cell {@code (i, j)}
     * averages rows {@code floor(i*H/outH)} to {@code ceil((i+1)*H/outH)} (and likewise columns). A
     * 1x1 output is a mean over H and W; sizes that divide the input are one average pool; other
     * sizes need H and W known and are composed from slices.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        String op = "adaptiveAvgPool2d";
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException(op + ": output size must be positive, got [" + outH + ", " + outW + "]");
        }
        requireFloating(op, "input", x);
        return unbatched(op, 2, x, b -> {
            if (outH == 1 && outW == 1) {
                return b.mean(new int[] {2, 3}, true);
            }
            long h = b.size(2);
            long w = b.size(3);
            if (h == Shape.UNKNOWN || w == Shape.UNKNOWN) {
                throw new IllegalArgumentException(op + ": input " + b.shape() + " needs known H and W for output size ["
                        + outH + ", " + outW + "]");
            }
            if (h % outH == 0 && w % outW == 0) {
                int[] k = {(int) (h / outH), (int) (w / outW)};
                return b.avgPool(k, k, new int[] {0, 0});
            }
            List<Tensor> rows = new ArrayList<>(outH);
            for (int i = 0; i < outH; i++) {
                Tensor band = b.slice(2, Math.floorDiv(i * h, outH), ceilDiv((i + 1) * h, outH));
                List<Tensor> cells = new ArrayList<>(outW);
                for (int j = 0; j < outW; j++) {
                    cells.add(band.slice(3, Math.floorDiv(j * w, outW), ceilDiv((j + 1) * w, outW)).mean(new int[] {2, 3}, true));
                }
                rows.add(Tensor.concat(cells, 3));
            }
            return Tensor.concat(rows, 2);
        });
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    // ================================================================ normalization and embedding

    /**
     * Batch normalization with the given statistics, as {@code torch.nn.functional.batch_norm} in
     * evaluation mode: {@code (x - mean) / sqrt(var + eps) * weight + bias} per channel (dimension 1)
     * of {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}. With {@code training} the batch's
     * own mean and biased variance are used instead of {@code runningMean} and {@code runningVar}
     * (which may then be null); updating running statistics is the module's job
     * ({@link dev.lightning4j.nn.BatchNorm2d}). {@code weight} and {@code bias} may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double eps) {
        String op = "batchNorm";
        requireFloating(op, "input", x);
        if (x.rank() < 2) {
            throw new IllegalArgumentException(op + ": expected an input of shape [N, C, ...], got " + x.shape());
        }
        int[] dims = batchNormDims(x.rank());
        Tensor mean;
        Tensor var;
        if (training) {
            mean = x.mean(dims, true);
            var = x.sub(mean).square().mean(dims, true);
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException(op + ": evaluation mode needs runningMean and runningVar");
            }
            checkChannelVector(op, "runningMean", runningMean, x);
            checkChannelVector(op, "runningVar", runningVar, x);
            mean = perChannel(runningMean, x.rank() - 2);
            var = perChannel(runningVar, x.rank() - 2);
        }
        Tensor y = x.sub(mean).mul(var.add(eps).rsqrt());
        if (weight != null) {
            checkChannelVector(op, "weight", weight, x);
            y = y.mul(perChannel(weight, x.rank() - 2));
        }
        if (bias != null) {
            checkChannelVector(op, "bias", bias, x);
            y = y.add(perChannel(bias, x.rank() - 2));
        }
        return y;
    }

    /** The dimensions batch statistics reduce over: all but the channel dimension 1. */
    public static int[] batchNormDims(int rank) {
        int[] dims = new int[rank - 1];
        dims[0] = 0;
        for (int i = 2; i < rank; i++) {
            dims[i - 1] = i;
        }
        return dims;
    }

    private static void checkChannelVector(String op, String what, Tensor v, Tensor x) {
        if (v.rank() != 1 || !dimsMatch(v.size(0), x.size(1))) {
            throw new IllegalArgumentException(op + ": " + what + " must have shape [" + x.size(1)
                    + "] (one value per channel of input " + x.shape() + "), got " + v.shape());
        }
    }

    /**
     * {@code torch.nn.functional.layer_norm}: normalizes over the last {@code normalizedShape.length}
     * dimensions with their mean and biased variance, then applies the elementwise {@code weight}
     * and {@code bias} (each shaped {@code normalizedShape}, or null).
     */
    public static Tensor layerNorm(Tensor x, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        requireFloating(op, "input", x);
        int k = normalizedShape.length;
        if (k == 0 || x.rank() < k) {
            throw new IllegalArgumentException(op + ": input " + x.shape() + " must end in normalized shape "
                    + Arrays.toString(normalizedShape));
        }
        for (int i = 0; i < k; i++) {
            if (!dimsMatch(x.size(x.rank() - k + i), normalizedShape[i])) {
                throw new IllegalArgumentException(op + ": input " + x.shape() + " does not end in normalized shape "
                        + Arrays.toString(normalizedShape) + "; expected [*, " + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "") + "]");
            }
        }
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) {
            dims[i] = x.rank() - k + i;
        }
        Tensor mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        Tensor y = centered.mul(centered.square().mean(dims, true).add(eps).rsqrt());
        Shape ns = Shape.of(normalizedShape);
        if (weight != null) {
            if (!dimsMatch(weight.shape(), ns)) {
                throw new IllegalArgumentException(op + ": weight must have shape " + ns + ", got " + weight.shape());
            }
            y = y.mul(weight);
        }
        if (bias != null) {
            if (!dimsMatch(bias.shape(), ns)) {
                throw new IllegalArgumentException(op + ": bias must have shape " + ns + ", got " + bias.shape());
            }
            y = y.add(bias);
        }
        return y;
    }

    /**
     * {@code torch.nn.functional.embedding}: the rows of {@code weight} {@code [num, dim]} at the
     * integer {@code indices} of any shape, giving {@code indices.shape + [dim]}.
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        String op = "embedding";
        if (weight.rank() != 2) {
            throw new IllegalArgumentException(op + ": weight must have shape [num_embeddings, embedding_dim], got " + weight.shape());
        }
        if (indices.dtype().isFloating() || indices.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": indices must be an integer tensor, got " + indices.dtype()
                    + " with shape " + indices.shape() + "; cast them with .to(DType.INT64)");
        }
        long[] out = new long[indices.rank() + 1];
        int unknown = 0;
        for (int i = 0; i < indices.rank(); i++) {
            out[i] = indices.size(i);
            if (out[i] == Shape.UNKNOWN) {
                unknown++;
            }
        }
        if (unknown > 1) {
            throw new IllegalArgumentException(op + ": indices " + indices.shape() + " have more than one unknown dimension");
        }
        out[indices.rank()] = weight.size(1);
        Tensor flat = indices.reshape(-1);
        return weight.indexSelect(0, flat).reshape(out);
    }

    // ================================================================ regression losses

    /** Mean squared error, {@code mean((input - target)^2)}. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    /** Squared error with the given reduction. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        checkPointwise("mseLoss", input, target);
        return reduce(input.sub(target).square(), reduction);
    }

    /** Mean absolute error. */
    public static Tensor l1Loss(Tensor input, Tensor target) {
        return l1Loss(input, target, Reduction.MEAN);
    }

    /** Absolute error with the given reduction. */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        checkPointwise("l1Loss", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /** Smooth L1 loss with {@code beta = 1}. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target) {
        return smoothL1Loss(input, target, 1.0, Reduction.MEAN);
    }

    /**
     * Smooth L1 loss: {@code 0.5 z^2 / beta} where {@code z = |input - target| < beta}, else
     * {@code z - 0.5 beta}; {@code beta = 0} is the L1 loss.
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, double beta, Reduction reduction) {
        checkPointwise("smoothL1Loss", input, target);
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("smoothL1Loss: beta must be >= 0, got " + beta);
        }
        Tensor z = input.sub(target).abs();
        if (beta == 0) {
            return reduce(z, reduction);
        }
        Tensor quadratic = z.square().mul(0.5 / beta);
        Tensor linear = z.sub(0.5 * beta);
        return reduce(Tensor.where(z.lt(beta), quadratic, linear), reduction);
    }

    /** Huber loss with {@code delta = 1}. */
    public static Tensor huberLoss(Tensor input, Tensor target) {
        return huberLoss(input, target, 1.0, Reduction.MEAN);
    }

    /**
     * Huber loss: {@code 0.5 z^2} where {@code z = |input - target| < delta}, else
     * {@code delta (z - 0.5 delta)}.
     */
    public static Tensor huberLoss(Tensor input, Tensor target, double delta, Reduction reduction) {
        checkPointwise("huberLoss", input, target);
        if (!(delta > 0)) {
            throw new IllegalArgumentException("huberLoss: delta must be > 0, got " + delta);
        }
        Tensor z = input.sub(target).abs();
        Tensor quadratic = z.square().mul(0.5);
        Tensor linear = z.sub(0.5 * delta).mul(delta);
        return reduce(Tensor.where(z.lt(delta), quadratic, linear), reduction);
    }

    // ================================================================ classification losses

    /** Cross-entropy over class logits with integer targets, mean over the batch. */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, 0.0, IGNORE_INDEX, Reduction.MEAN);
    }

    /** Cross-entropy with the given reduction. */
    public static Tensor crossEntropy(Tensor input, Tensor target, Reduction reduction) {
        return crossEntropy(input, target, null, 0.0, IGNORE_INDEX, reduction);
    }

    /** Cross-entropy with label smoothing and an ignored target value, mean over the counted targets. */
    public static Tensor crossEntropy(Tensor input, Tensor target, double labelSmoothing, long ignoreIndex) {
        return crossEntropy(input, target, null, labelSmoothing, ignoreIndex, Reduction.MEAN);
    }

    /** Cross-entropy with label smoothing, an ignored target value and a reduction. */
    public static Tensor crossEntropy(Tensor input, Tensor target, double labelSmoothing, long ignoreIndex,
                                      Reduction reduction) {
        return crossEntropy(input, target, null, labelSmoothing, ignoreIndex, reduction);
    }

    /**
     * {@code torch.nn.functional.cross_entropy}: {@code log_softmax} over the class dimension (1, or
     * 0 for an unbatched {@code [C]} input) followed by the negative log-likelihood.
     *
     * <p>With integer targets {@code [N, d...]} for logits {@code [N, C, d...]}, targets equal to
     * {@code ignoreIndex} contribute nothing, and {@link Reduction#MEAN} divides by the summed class
     * weight of the other targets (their count without {@code weight}). With label smoothing
     * {@code eps} the loss is {@code (1 - eps) * nll + eps / C * sum_c(-w_c * logp_c)}, the
     * smoothing term being zero at ignored targets, exactly as PyTorch computes it.
     *
     * <p>With floating targets of the logits' shape (class probabilities), the loss is
     * {@code -sum_c(w_c * p_c * logp_c)} with {@code p} smoothed towards uniform, and
     * {@link Reduction#MEAN} averages over the samples; {@code ignoreIndex} does not apply.
     *
     * <p>Out-of-range class indices are not checked on the host (a step cannot read its values); the
     * engine reports them.
     *
     * @param input          logits {@code [N, C]}, {@code [N, C, d...]} or {@code [C]}
     * @param target         class indices (INT32/INT64) or class probabilities (floating)
     * @param weight         a rescaling weight per class {@code [C]}, or null
     * @param labelSmoothing in {@code [0, 1]}
     * @param ignoreIndex    the target value that does not count ({@link #IGNORE_INDEX} by default)
     * @param reduction      how to combine per-sample losses
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, double labelSmoothing,
                                      long ignoreIndex, Reduction reduction) {
        String op = "crossEntropy";
        Objects.requireNonNull(reduction, op + ": reduction");
        requireFloating(op, "input (logits)", input);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (input.rank() < 1) {
            throw new IllegalArgumentException(op + ": input must be logits of shape [N, C], [N, C, d...] or [C], got a scalar");
        }
        int classDim = input.rank() == 1 ? 0 : 1;
        checkWeight(op, input, classDim, weight);
        if (target.dtype().isFloating()) {
            return probabilityCrossEntropy(op, input.logSoftmax(classDim), target, weight, labelSmoothing, reduction, classDim);
        }
        if (labelSmoothing == 0 && input.rank() <= 2) {
            // Class indices on [N, C] or [C]: the per-row loss straight from the logits, one fused kernel where
            // the engine has one (Tensor.softmaxCrossEntropy).
            return negativeLogLikelihood(op, input, true, target, weight, 0, ignoreIndex, reduction);
        }
        return negativeLogLikelihood(op, input.logSoftmax(classDim), false, target, weight, labelSmoothing, ignoreIndex,
                reduction);
    }

    /** Negative log-likelihood of log-probabilities {@code [N, C]} at integer targets {@code [N]}, mean over the batch. */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, IGNORE_INDEX, Reduction.MEAN);
    }

    /** Negative log-likelihood with an ignored target value and a reduction. */
    public static Tensor nllLoss(Tensor input, Tensor target, long ignoreIndex, Reduction reduction) {
        return nllLoss(input, target, null, ignoreIndex, reduction);
    }

    /**
     * {@code torch.nn.functional.nll_loss}: {@code -w[y] * input[y]} per target, where {@code input}
     * holds log-probabilities {@code [N, C, d...]} (or {@code [C]}) and targets are integer
     * {@code [N, d...]}. Ignored targets contribute nothing; {@link Reduction#MEAN} divides by the
     * summed weight of the counted targets.
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction) {
        String op = "nllLoss";
        Objects.requireNonNull(reduction, op + ": reduction");
        requireFloating(op, "input (log-probabilities)", input);
        if (input.rank() < 1) {
            throw new IllegalArgumentException(op + ": input must have shape [N, C], [N, C, d...] or [C], got a scalar");
        }
        checkWeight(op, input, input.rank() == 1 ? 0 : 1, weight);
        return negativeLogLikelihood(op, input, false, target, weight, 0.0, ignoreIndex, reduction);
    }

    /**
     * The negative log-likelihood of class-index targets from {@code scores}: log-probabilities, or with
     * {@code logits} logits, whose per-element loss comes from {@link Tensor#softmaxCrossEntropy} (then
     * {@code labelSmoothing} must be 0 and the input of rank 1 or 2).
     */
    private static Tensor negativeLogLikelihood(String op, Tensor scores, boolean logits, Tensor target, Tensor weight,
                                                double labelSmoothing, long ignoreIndex, Reduction reduction) {
        if (target.dtype() != DType.INT64 && target.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": target must hold integer class indices (INT64 or INT32), got "
                    + target.dtype() + " with shape " + target.shape() + " for input " + scores.shape()
                    + (target.dtype().isFloating() ? "; cast class labels with .to(DType.INT64)" : ""));
        }
        boolean unbatched = scores.rank() == 1;
        if (unbatched) {
            if (target.rank() != 0) {
                throw new IllegalArgumentException(op + ": for an unbatched input of shape " + scores.shape()
                        + " the target must be a scalar class index, got shape " + target.shape());
            }
            scores = scores.unsqueeze(0);
            target = target.unsqueeze(0);
        }
        checkClassTargetShape(op, scores, target);
        DType dtype = scores.dtype();
        // [N, d..., C]: classes last, so that one gather picks each target's log-probability.
        Tensor classesLast = scores.rank() > 2 ? moveDimToLast(scores, 1) : scores;
        Tensor counted = target.ne((double) ignoreIndex);
        // Zeros as broadcast scalars, not zerosLike: on a traced engine with a dynamic batch a zerosLike
        // is two more ops per use (the shape, then a fill), run on every step.
        Tensor safeTarget = Tensor.where(counted, target, target.newScalar(0, target.dtype()));
        // -log p[target] per element (at a safe class where the target is ignored, masked below).
        Tensor perElement = logits ? classesLast.softmaxCrossEntropy(safeTarget) : classesLast.takeAlongLastDim(safeTarget).neg();
        Tensor zeros = perElement.newScalar(0, dtype);

        Tensor targetWeight;
        Tensor nll;
        if (weight == null) {
            targetWeight = counted.to(dtype);
            nll = Tensor.where(counted, perElement, zeros);
        } else {
            long classes = requireKnownClasses(op, scores);
            Tensor w = weight.to(dtype);
            targetWeight = Tensor.where(counted, safeTarget.oneHot(Math.toIntExact(classes), dtype).mul(w).sum(-1, false), zeros);
            nll = Tensor.where(counted, perElement.mul(targetWeight), zeros);
        }

        Tensor smooth = null;
        double eps = labelSmoothing;
        long classes = 0;
        if (eps > 0) {
            classes = requireKnownClasses(op, scores);
            Tensor perClass = weight == null ? classesLast : classesLast.mul(weight.to(dtype));
            smooth = Tensor.where(counted, perClass.sum(-1, false).neg(), zeros);
        }

        Tensor out = switch (reduction) {
            case NONE -> {
                Tensor l = smooth == null ? nll : nll.mul(1 - eps).add(smooth.mul(eps / classes));
                yield unbatched ? l.squeeze(0) : l;
            }
            case SUM -> smooth == null ? nll.sum() : nll.sum().mul(1 - eps).add(smooth.sum().mul(eps / classes));
            case MEAN -> {
                Tensor total = targetWeight.sum();
                Tensor mean = nll.sum().div(total);
                yield smooth == null ? mean : mean.mul(1 - eps).add(smooth.sum().div(total).mul(eps / classes));
            }
        };
        return out;
    }

    private static Tensor probabilityCrossEntropy(String op, Tensor logp, Tensor target, Tensor weight,
                                                  double labelSmoothing, Reduction reduction, int classDim) {
        if (!dimsMatch(logp.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": floating targets are class probabilities and must have the input's shape "
                    + logp.shape() + ", got " + target.shape() + "; for class indices pass an INT64 tensor of shape "
                    + (logp.rank() == 1 ? "[]" : logp.shape().drop(1).toString()));
        }
        Tensor p = target.to(logp.dtype());
        if (labelSmoothing > 0) {
            long classes = requireKnownClasses(op, logp.rank() == 1 ? logp.unsqueeze(0) : logp);
            p = p.mul(1 - labelSmoothing).add(labelSmoothing / classes);
        }
        Tensor terms = logp.mul(p);
        if (weight != null) {
            terms = terms.mul(classWeightForBroadcast(weight.to(logp.dtype()), logp.rank(), classDim));
        }
        Tensor perSample = terms.sum(classDim, false).neg();
        return reduce(perSample, reduction);
    }

    /**
     * Binary cross-entropy on logits, mean over all elements: {@code max(x,0) - x*y + log1p(exp(-|x|))},
     * computed stably.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, null, null, Reduction.MEAN);
    }

    /** Binary cross-entropy on logits with the given reduction. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Reduction reduction) {
        return binaryCrossEntropyWithLogits(input, target, null, null, reduction);
    }

    /** Binary cross-entropy on logits with a positive-class weight (broadcast over the input, typically {@code [C]}), or null. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor posWeight, Reduction reduction) {
        return binaryCrossEntropyWithLogits(input, target, null, posWeight, reduction);
    }

    /**
     * {@code torch.nn.functional.binary_cross_entropy_with_logits}:
     * {@code weight * ((1 - y) * x + lw * softplus(-x))} with {@code lw = 1 + (posWeight - 1) * y}
     * ({@code lw = 1} without {@code posWeight}, which is {@code max(x,0) - x*y + log1p(exp(-|x|))}).
     * The softplus is computed without overflow and with the exact gradient {@code sigmoid(x) - y}
     * even at {@code x = 0}.
     *
     * @param input     logits
     * @param target    probabilities in [0, 1] of the same shape
     * @param weight    an elementwise rescaling weight broadcast over the input, or null
     * @param posWeight a weight of positive examples broadcast over the input, or null
     * @param reduction how to combine the elements
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        String op = "binaryCrossEntropyWithLogits";
        checkPointwise(op, input, target);
        Tensor y = target;
        Tensor loss;
        if (posWeight == null) {
            loss = softplus(input).sub(input.mul(y));
        } else {
            requireFloating(op, "posWeight", posWeight);
            checkBroadcast(op, "posWeight", posWeight, input);
            Tensor logWeight = posWeight.sub(1).mul(y).add(1);
            loss = y.rsub(1).mul(input).add(logWeight.mul(softplus(input.neg())));
        }
        if (weight != null) {
            requireFloating(op, "weight", weight);
            checkBroadcast(op, "weight", weight, input);
            loss = loss.mul(weight);
        }
        return reduce(loss, reduction);
    }

    /**
     * {@code torch.nn.functional.binary_cross_entropy} on probabilities:
     * {@code -w * (y log p + (1 - y) log(1 - p))}, each log clamped to at least -100 as PyTorch does.
     * Prefer {@link #binaryCrossEntropyWithLogits} on logits: it is stable and its gradient is exact.
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
        String op = "binaryCrossEntropy";
        checkPointwise(op, input, target);
        Tensor logP = input.log().clampMin(-100);
        Tensor log1mP = input.rsub(1).log().clampMin(-100);
        Tensor loss = target.mul(logP).add(target.rsub(1).mul(log1mP)).neg();
        if (weight != null) {
            requireFloating(op, "weight", weight);
            checkBroadcast(op, "weight", weight, input);
            loss = loss.mul(weight);
        }
        return reduce(loss, reduction);
    }

    /** Binary cross-entropy on probabilities, mean over all elements. */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
        return binaryCrossEntropy(input, target, null, Reduction.MEAN);
    }

    // ================================================================ helpers

    private static Tensor reduce(Tensor perElement, Reduction reduction) {
        Objects.requireNonNull(reduction, "reduction");
        return switch (reduction) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }

    private static void checkPointwise(String op, Tensor input, Tensor target) {
        requireFloating(op, "input", input);
        if (!target.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": target must be floating point like the input (" + input.dtype()
                    + "), got " + target.dtype() + " with shape " + target.shape() + "; cast it with .to(DType.FLOAT32)");
        }
        if (!dimsMatch(input.shape(), target.shape())) {
            throw new IllegalArgumentException(op + ": input shape " + input.shape() + " and target shape " + target.shape()
                    + " differ; expected the same shape (reshape the target, e.g. [N] to [N, 1], to avoid silent broadcasting)");
        }
    }

    private static void checkClassTargetShape(String op, Tensor logp, Tensor target) {
        Shape expected = logp.shape().drop(1);
        if (!dimsMatch(expected, target.shape())) {
            throw new IllegalArgumentException(op + ": target shape " + target.shape() + " does not fit input shape "
                    + logp.shape() + "; expected class indices of shape " + expected
                    + " (the input without its class dimension 1)");
        }
    }

    private static void checkWeight(String op, Tensor input, int classDim, Tensor weight) {
        if (weight == null) {
            return;
        }
        requireFloating(op, "weight", weight);
        long classes = input.size(classDim);
        if (weight.rank() != 1 || !dimsMatch(weight.size(0), classes)) {
            throw new IllegalArgumentException(op + ": weight must have one value per class, shape [" + classes
                    + "] for input " + input.shape() + ", got " + weight.shape());
        }
    }

    private static void checkBroadcast(String op, String what, Tensor t, Tensor input) {
        Shape joint;
        try {
            joint = Shapes.broadcast(op, t.shape(), input.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + t.shape()
                    + " does not broadcast to the input shape " + input.shape(), e);
        }
        if (!dimsMatch(joint, input.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + t.shape()
                    + " would enlarge the input shape " + input.shape() + "; expected a shape that broadcasts to it");
        }
    }

    private static long requireKnownClasses(String op, Tensor logp) {
        long classes = logp.size(1);
        if (classes == Shape.UNKNOWN) {
            throw new IllegalArgumentException(op + ": the number of classes (dimension 1 of " + logp.shape()
                    + ") must be known to use class weights or label smoothing");
        }
        return classes;
    }

    private static Tensor moveDimToLast(Tensor t, int dim) {
        int[] order = new int[t.rank()];
        for (int i = 0, j = 0; i < t.rank(); i++) {
            if (i != dim) {
                order[j++] = i;
            }
        }
        order[t.rank() - 1] = dim;
        return t.permute(order);
    }

    private static Tensor classWeightForBroadcast(Tensor weight, int rank, int classDim) {
        long[] shape = new long[rank - classDim];
        Arrays.fill(shape, 1);
        shape[0] = weight.size(0);
        return weight.reshape(shape);
    }

    private static void requireFloating(String op, String what, Tensor t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": " + what + " must be floating point, got " + t.dtype()
                    + " with shape " + t.shape() + "; cast it with .to(DType.FLOAT32)");
        }
    }

    private static boolean dimsMatch(long a, long b) {
        return a == b || a == Shape.UNKNOWN || b == Shape.UNKNOWN;
    }

    private static boolean dimsMatch(Shape a, Shape b) {
        if (a.rank() != b.rank()) {
            return false;
        }
        for (int i = 0; i < a.rank(); i++) {
            if (!dimsMatch(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
