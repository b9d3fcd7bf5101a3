package dev.munero.llm.fake;

import java.io.IOException;

/**
 * A strict fake of the OpenAI Chat Completions API (https://platform.openai.com/docs/api-reference/chat/create)
 * for contract tests: {@code POST /v1/chat/completions} only, with {@code authorization: Bearer <apiKey>} and
 * {@code content-type: application/json}. The body rules are in {@link OpenAiRequestValidator}, the wire format of
 * replies in {@link OpenAiProtocol}; everything else is {@link FakeLlmServer}'s.
 *
 * <p>{@link #baseUrl()} is {@code http://127.0.0.1:<port>/v1}, the local twin of {@code https://api.openai.com/v1}.
 */
public final class FakeOpenAiServer extends FakeLlmServer {

    public FakeOpenAiServer(String apiKey) {
        super(new OpenAiProtocol(apiKey));
    }

    @Override
    public FakeOpenAiServer start() throws IOException {
        super.start();
        return this;
    }
}
