package dev.munero.llm.fake;

import java.io.IOException;

/**
 * A strict fake of the Gemini API (Google Generative Language API, https://ai.google.dev/api/generate-content), the
 * API Gemini CLI speaks with an API key: {@code POST /v1beta/models/{model}:streamGenerateContent?alt=sse} and
 * {@code POST /v1beta/models/{model}:generateContent} only, with {@code x-goog-api-key: <apiKey>} and
 * {@code content-type: application/json}. Body rules in {@link GeminiRequestValidator}, the wire format of replies in
 * {@link GeminiProtocol}; everything else is {@link FakeLlmServer}'s: any other request, path, query or field fails
 * the test. {@link RequestSummary#model()} is the model named in the path.
 *
 * <p>Point {@code GOOGLE_GEMINI_BASE_URL} (Gemini CLI, the {@code @google/genai} SDK) at {@link #rootUrl()}: the SDK
 * appends {@code /v1beta/models/...} to it.
 */
public final class FakeGeminiServer extends FakeLlmServer {

    public FakeGeminiServer(String apiKey) {
        super(new GeminiProtocol(apiKey));
    }

    @Override
    public FakeGeminiServer start() throws IOException {
        super.start();
        return this;
    }

    /**
     * {@code http://127.0.0.1:<port>}, the local twin of {@code https://generativelanguage.googleapis.com}.
     *
     * @throws IllegalStateException if not started
     */
    public String rootUrl() {
        String base = baseUrl();
        return base.substring(0, base.length() - "/v1".length());
    }
}
