package dev.perceptwatch.ingest;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body of at most {@code limit} bytes, completing with null instead when the body is over
 * the limit (by its Content-Length, or by the bytes received so far) or the status is not 200. In those cases it
 * cancels its subscription at once, which closes the connection: an oversized or unwanted body is not transferred.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final boolean wanted;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private LimitedBody(long limit, boolean wanted) {
        this.limit = limit;
        this.wanted = wanted;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> new LimitedBody(limit, info.statusCode() == 200
                && info.headers().firstValueAsLong("content-length").orElse(0) <= limit);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (wanted) {
            subscription.request(Long.MAX_VALUE);
        } else {
            stop();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            // Buffers already in flight may still arrive after cancel.
            if (result.isDone()) {
                return;
            }
            if (buffer.remaining() > limit - bytes.size()) {
                stop();
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    private void stop() {
        subscription.cancel();
        result.complete(null);
    }
}
