package dev.lightning4j.optim;

import dev.lightning4j.nn.Parameter;
import java.util.List;

/**
 * Adam with decoupled weight decay, matching {@code torch.optim.AdamW}: each step first shrinks the
 * weights, {@code p = p * (1 - lr * weight_decay)}, then applies the {@link Adam} update to the
 * undecayed gradient. The default weight decay is 0.01. Options and state names as {@link Adam}.
 */
public final class AdamW extends Adam {

    /** AdamW with learning rate {@code lr} and torch's defaults (betas 0.9, 0.999, eps 1e-8, weight decay 0.01). */
    public AdamW(List<Parameter> params, double lr) {
        this(params, new Options(lr, 0.9, 0.999, 1e-8, 0.01, false));
    }

    /** AdamW with the given options. */
    public AdamW(List<Parameter> params, Options options) {
        super(params, options, true, "AdamW");
    }

    /** A builder for {@code params} with AdamW's defaults (lr 1e-3, weight decay 0.01). */
    public static Builder builder(List<Parameter> params) {
        return new Builder(params);
    }

    /** Builds an {@link AdamW}. */
    public static final class Builder extends Adam.Builder {
        private Builder(List<Parameter> params) {
            super(params, 0.01);
        }

        @Override
        public Builder lr(double value) {
            super.lr(value);
            return this;
        }

        @Override
        public Builder betas(double b1, double b2) {
            super.betas(b1, b2);
            return this;
        }

        @Override
        public Builder eps(double value) {
            super.eps(value);
            return this;
        }

        @Override
        public Builder weightDecay(double value) {
            super.weightDecay(value);
            return this;
        }

        @Override
        public Builder amsgrad(boolean value) {
            super.amsgrad(value);
            return this;
        }

        @Override
        public Builder fused(boolean value) {
            super.fused(value);
            return this;
        }

        @Override
        public AdamW build() {
            return new AdamW(params(), options());
        }
    }
}
