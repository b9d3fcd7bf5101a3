package dev.munero.agent.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentScrubberTest {

    @Test
    void removesApiKeysTokensSecretsAndPasswordsAndKeepsTheRest() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("ANTHROPIC_API_KEY", "sk-ant"), Map.entry("OPENAI_API_KEY", "sk-oai"),
                Map.entry("AWS_SECRET_ACCESS_KEY", "aws"), Map.entry("AWS_ACCESS_KEY_ID", "id"),
                Map.entry("GITHUB_TOKEN", "ghp"), Map.entry("npm_config__authToken", "npm"),
                Map.entry("DB_PASSWORD", "pw"), Map.entry("GOOGLE_APPLICATION_CREDENTIALS", "/k.json"),
                Map.entry("SSH_PRIVATE_KEY", "key"), Map.entry("MY_APIKEY", "k"), Map.entry("client_secret", "s"),
                Map.entry("PATH", "/usr/bin"), Map.entry("HOME", "/home/u"), Map.entry("LANG", "C.UTF-8"),
                Map.entry("JAVA_HOME", "/jdk"), Map.entry("SSH_AUTH_SOCK", "/tmp/agent"), Map.entry("KEYBOARD", "us"));

        Map<String, String> scrubbed = EnvironmentScrubber.scrub(env);

        assertThat(scrubbed).containsOnlyKeys("PATH", "HOME", "LANG", "JAVA_HOME", "SSH_AUTH_SOCK", "KEYBOARD");
        assertThat(env).hasSize(17);
    }
}
