package dev.perceptwatch.scoring;

/** The backbone and head of a model, found on the model path and checked against the manifest. */
record ResolvedSplit(CheckedFile backbone, CheckedFile head) {
}
