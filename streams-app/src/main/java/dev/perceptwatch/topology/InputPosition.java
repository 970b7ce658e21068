package dev.perceptwatch.topology;

/** Where an input record lies. */
record InputPosition(String topic, int partition, long offset) {

    /** Pending store key: offsets are zero-padded so the store iterates in input order. */
    String storeKey() {
        return String.format("%s-%05d-%019d", topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
