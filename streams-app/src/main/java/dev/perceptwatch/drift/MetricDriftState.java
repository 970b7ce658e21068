package dev.perceptwatch.drift;

/** Drift state of one key and metric: warming up (baseline null) or judging against a frozen baseline. */
record MetricDriftState(BaselineWarmup warmup, Baseline baseline, CusumState cusum, Lifecycle lifecycle) {

    static final MetricDriftState NEW = new MetricDriftState(BaselineWarmup.EMPTY, null, CusumState.ZERO,
            Lifecycle.QUIET);

    MetricDriftState withBaseline(Baseline frozen) {
        return new MetricDriftState(warmup, frozen, CusumState.ZERO, lifecycle);
    }
}
