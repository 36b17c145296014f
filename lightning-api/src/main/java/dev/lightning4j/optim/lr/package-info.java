/**
 * Learning-rate schedulers matching {@code torch.optim.lr_scheduler} (and Lightning-Bolts'
 * {@code LinearWarmupCosineAnnealingLR}) value for value: each computes in double on the host with
 * the same recursive ("chainable") formulas torch's {@code get_lr()} uses, writes the result into
 * the optimizer's param groups, and keeps a JSON-compatible state dict with torch's key names.
 *
 * <p>Schedulers are stepped by the Trainer as configured in
 * {@link dev.lightning4j.core.Optimization} (after every optimizer step or every epoch); a traced
 * training step reads the new values as per-run scalars, so changing them never retraces.
 */
package dev.lightning4j.optim.lr;
