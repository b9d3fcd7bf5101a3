-- Issue 11.4: a run whose checks passed used to stay in the state Completing for ever; the final state is Completed.

UPDATE runs SET state = 'Completed'
 WHERE state = 'Completing'
   AND EXISTS (SELECT 1 FROM events WHERE events.run_id = runs.id AND events.type = 'run_completed');
