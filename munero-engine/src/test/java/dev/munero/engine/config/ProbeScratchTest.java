package dev.munero.engine.config;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProbeScratchTest {
    static void raw(String yaml) throws Exception {
        System.out.println("----\n" + yaml);
        var tree = YamlTree.parse(Path.of("/r/munero.yaml"), yaml);
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(ConfigLoader.schemaText());
        for (var e : schema.validate(tree.root())) {
            System.out.println("kw=" + e.getKeyword() + " inst=" + e.getInstanceLocation() + " eval=" + e.getEvaluationPath()
                + " schemaLoc=" + e.getSchemaLocation() + " prop=" + e.getProperty() + " args=" + java.util.Arrays.toString(e.getArguments())
                + " details=" + e.getDetails() + "\n    msg=" + e.getMessage());
        }
    }

    @Test
    void probe() throws Exception {
        raw("steps:\n  - name: a\n    command: 42\n");
        raw("steps:\n  - name: a\n    command: []\n");
        raw("steps:\n  - name: a\n    command: [x, 3]\n");
        raw("steps:\n  - name: a\n    command: \"\"\n");
        raw("steps:\n  - name: a\n    command: [x]\n    timeout: 10y\n");
        raw("steps:\n  - name: a\n    command: [x]\n    timeout: -3\n");
        raw("steps:\n  - name: a\n    command: [x]\n    timeout: 1.5\n");
        raw("steps:\n  - name: a\n    command: [x]\nprofiles: {production: {steps: {a: {timeout: 2x}}}}\n");
    }
}
