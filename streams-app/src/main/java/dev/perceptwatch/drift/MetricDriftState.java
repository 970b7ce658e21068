package dev.perceptwatch.drift;

/**
 * Drift state of one key and metric: warming up (baseline null) or judging against a frozen baseline.
 * {@code last} is null before the first judged window (and in state written before the two-window detector).
 */
record MetricDriftState(BaselineWarmup warmup, Baseline baseline, CusumState cusum, LastWindow last,
                        Lifecycle lifecycle) {

    static final MetricDriftState NEW = new MetricDriftState(BaselineWarmup.EMPTY, null, CusumState.ZERO, null,
            Lifecycle.QUIET);

    MetricDriftState withLifecycle(Lifecycle next) {
        return new MetricDriftState(warmup, baseline, cusum, last, next);
    }

    MetricDriftState withBaseline(Baseline frozen) {
        return new MetricDriftState(warmup, frozen, CusumState.ZERO, null, lifecycle);
    }
}
