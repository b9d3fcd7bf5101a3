package dev.munero.llm.pricing;

import dev.munero.llm.Usage;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What Munero knows of one model: its prices (USD per million tokens) and its limits (tokens). A price that is
 * not known is {@code NaN}, and then the cost of a call is unknown.
 *
 * @param inputUsdPerMTok      uncached input tokens
 * @param outputUsdPerMTok     output tokens
 * @param cacheWriteUsdPerMTok input tokens written to the prompt cache (Anthropic's 5-minute cache write)
 * @param cacheReadUsdPerMTok  input tokens read from the prompt cache
 * @param contextWindow        the context window in tokens, 0 when unknown
 * @param maxOutput            the most output tokens per call, 0 when unknown
 */
public record ModelInfo(double inputUsdPerMTok, double outputUsdPerMTok, double cacheWriteUsdPerMTok,
                        double cacheReadUsdPerMTok, long contextWindow, long maxOutput) {

    /** Nothing known. */
    public static final ModelInfo UNKNOWN = new ModelInfo(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);

    public ModelInfo {
        for (double price : new double[] {inputUsdPerMTok, outputUsdPerMTok, cacheWriteUsdPerMTok,
                cacheReadUsdPerMTok}) {
            if (price < 0) {
                throw new IllegalArgumentException("a price cannot be negative: " + price);
            }
        }
        if (contextWindow < 0 || maxOutput < 0) {
            throw new IllegalArgumentException("token limits cannot be negative");
        }
    }

    /** The USD cost of a call with this usage; empty when a price it needs is unknown. */
    public OptionalDouble cost(Usage usage) {
        double usd = part(usage.inputTokens(), inputUsdPerMTok) + part(usage.outputTokens(), outputUsdPerMTok)
                + part(usage.cacheWriteTokens(), cacheWriteUsdPerMTok)
                + part(usage.cacheReadTokens(), cacheReadUsdPerMTok);
        return Double.isNaN(usd) ? OptionalDouble.empty() : OptionalDouble.of(usd);
    }

    private static double part(long tokens, double usdPerMTok) {
        return tokens == 0 ? 0 : tokens * usdPerMTok / 1_000_000.0;
    }

    /**
     * The most a call can cost before it is made: every input token at the dearer of the input and cache-write
     * prices (a call may write its whole prompt to the cache), plus the whole max output.
     *
     * @param inputTokens     the estimated input tokens of the request
     * @param maxOutputTokens the request's max output tokens
     * @return USD; empty when the input or output price is unknown
     */
    public OptionalDouble worstCaseCost(long inputTokens, long maxOutputTokens) {
        double inputPrice = Math.max(inputUsdPerMTok, Double.isNaN(cacheWriteUsdPerMTok) ? 0 : cacheWriteUsdPerMTok);
        double usd = (inputTokens * inputPrice + maxOutputTokens * outputUsdPerMTok) / 1_000_000.0;
        return Double.isNaN(usd) ? OptionalDouble.empty() : OptionalDouble.of(usd);
    }

    public boolean priced() {
        return !Double.isNaN(inputUsdPerMTok) && !Double.isNaN(outputUsdPerMTok);
    }

    public OptionalLong contextWindowTokens() {
        return contextWindow == 0 ? OptionalLong.empty() : OptionalLong.of(contextWindow);
    }
}
