package dev.munero.llm;

/**
 * Receives a streaming model's text as it arrives. Called on a provider thread; implementations must be quick
 * and thread-safe. A call that is retried may stream the same text again.
 */
@FunctionalInterface
public interface StreamListener {
    StreamListener NONE = text -> { };

    /** A piece of the assistant's text, in order. */
    void onText(String text);
}
