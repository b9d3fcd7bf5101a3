package dev.munero.llm.fake;

import java.io.IOException;

/**
 * A strict fake of the OpenAI Responses API (https://platform.openai.com/docs/api-reference/responses/create), the
 * API Codex CLI speaks: {@code POST /v1/responses} only, with {@code authorization: Bearer <apiKey>} and
 * {@code content-type: application/json}. Body rules in {@link ResponsesRequestValidator}, the wire format of replies
 * (a stream of semantic events when {@code "stream": true}) in {@link ResponsesProtocol}; everything else is
 * {@link FakeLlmServer}'s: any other request, path or field fails the test.
 *
 * <p>{@link #baseUrl()} is {@code http://127.0.0.1:<port>/v1}, the local twin of {@code https://api.openai.com/v1}.
 */
public final class FakeOpenAiResponsesServer extends FakeLlmServer {

    public FakeOpenAiResponsesServer(String apiKey) {
        super(new ResponsesProtocol(apiKey));
    }

    @Override
    public FakeOpenAiResponsesServer start() throws IOException {
        super.start();
        return this;
    }
}
