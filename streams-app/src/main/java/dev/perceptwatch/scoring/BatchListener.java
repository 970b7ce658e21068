package dev.perceptwatch.scoring;

/** Told about every batch the {@link MicroBatcher} runs; called on the worker thread, so keep it cheap. */
@FunctionalInterface
public interface BatchListener {

    BatchListener NONE = (size, nanos) -> { };

    /** @param nanos time spent packing the batch and running the model */
    void onBatch(int size, long nanos);
}
