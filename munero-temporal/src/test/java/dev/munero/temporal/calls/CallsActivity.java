package dev.munero.temporal.calls;

import dev.munero.temporal.wire.RunInput;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** A test activity that asks the model of {@link WorkerActivityModels} each prompt in turn, as a phase would. */
@ActivityInterface
public interface CallsActivity {
    List<String> PROMPTS = List.of("plan the work", "write the code", "write the tests");

    /** The model's answers, in order. */
    @ActivityMethod
    List<String> call(RunInput run, List<String> prompts);
}
