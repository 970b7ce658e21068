package dev.perceptwatch.topology;

/** Where an input record lies. */
record InputPosition(String topic, int partition, long offset) {

    /** Pending store key: offsets are zero-padded so the store iterates in input order. */
    String storeKey() {
        return String.format("%s-%05d-%019d", topic, partition, offset);
    }

    /** The inverse of {@link #toString()}: topic names cannot hold '@'. */
    static InputPosition parse(String text) {
        int at = text.lastIndexOf('@');
        int dash = text.lastIndexOf('-', at);
        return new InputPosition(text.substring(0, dash), Integer.parseInt(text.substring(dash + 1, at)),
                Long.parseLong(text.substring(at + 1)));
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
