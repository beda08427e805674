package lab.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import lab.processor.charges.FileJournal;
import lab.processor.charges.OperationKind;
import lab.processor.charges.OperationRequest;
import lab.processor.charges.OperationResult;
import lab.processor.charges.SimulatedProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class SimulatedProcessorTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final boolean[] declineNext = {false};
    private final SimulatedProcessor.Decisions decisions = new SimulatedProcessor.Decisions() {
        @Override
        public boolean decline() {
            return declineNext[0];
        }

        @Override
        public boolean fail() {
            return false;
        }
    };

    @TempDir
    Path dir;

    private static OperationRequest authorize(String requestId, String payment, long amountMinor) {
        return new OperationRequest(requestId, OperationKind.AUTHORIZE, payment, amountMinor, "EUR", false);
    }

    @Test
    void sameRequestIdChargesOnceAndReplaysTheAnswer() {
        SimulatedProcessor processor = new SimulatedProcessor(CLOCK, new FileJournal(dir, JsonMapper.builder().build()), decisions);
        SimulatedProcessor.Execution first = processor.execute(authorize("op_1", "pay_1", 1999));
        SimulatedProcessor.Execution again = processor.execute(authorize("op_1", "pay_1", 1999));

        assertThat(first.replayed()).isFalse();
        assertThat(again.replayed()).isTrue();
        assertThat(again.result()).isEqualTo(first.result());
        assertThat(processor.totals("pay_1").authorizations()).isEqualTo(1);
        assertThat(processor.totals("pay_1").authorizedMinor()).isEqualTo(1999);
    }

    @Test
    void aReusedRequestIdWithOtherParametersIsRefused() {
        SimulatedProcessor processor = new SimulatedProcessor(CLOCK, new FileJournal(dir, JsonMapper.builder().build()), decisions);
        processor.execute(authorize("op_1", "pay_1", 1999));
        assertThatThrownBy(() -> processor.execute(authorize("op_1", "pay_1", 2000)))
                .isInstanceOf(SimulatedProcessor.ConflictingRequestException.class);
        assertThat(processor.totals("pay_1").authorizedMinor()).isEqualTo(1999);
    }

    @Test
    void capturesAndRefundsAreBoundedByWhatWasHeldAndTaken() {
        SimulatedProcessor processor = new SimulatedProcessor(CLOCK, new FileJournal(dir, JsonMapper.builder().build()), decisions);
        processor.execute(authorize("op_1", "pay_1", 1000));
        assertThat(processor.execute(new OperationRequest("op_2", OperationKind.CAPTURE, "pay_1", 1001, "EUR", false)).result().reason())
                .isEqualTo("amount_above_authorized");
        assertThat(processor.execute(new OperationRequest("op_3", OperationKind.CAPTURE, "pay_1", 600, "EUR", false)).result().succeeded()).isTrue();
        assertThat(processor.execute(new OperationRequest("op_4", OperationKind.REFUND, "pay_1", 601, "EUR", false)).result().reason())
                .isEqualTo("amount_above_captured");
        assertThat(processor.execute(new OperationRequest("op_5", OperationKind.REFUND, "pay_1", 600, "EUR", false)).result().succeeded()).isTrue();
        assertThat(processor.execute(new OperationRequest("op_6", OperationKind.VOID, "pay_1", 0, "EUR", false)).result().reason())
                .isEqualTo("already_captured");
    }

    @Test
    void declinesMoveNoMoney() {
        SimulatedProcessor processor = new SimulatedProcessor(CLOCK, new FileJournal(dir, JsonMapper.builder().build()), decisions);
        declineNext[0] = true;
        OperationResult declined = processor.execute(authorize("op_1", "pay_1", 1000)).result();
        assertThat(declined.status()).isEqualTo(OperationResult.DECLINED);
        assertThat(processor.totals("pay_1").authorizedMinor()).isZero();
    }

    @Test
    void aRestartedProcessorRemembersEveryDecisionAndDropsATornLine() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        try (FileJournal journal = new FileJournal(dir, json)) {
            SimulatedProcessor processor = new SimulatedProcessor(CLOCK, journal, decisions);
            processor.execute(authorize("op_1", "pay_1", 1000));
            processor.execute(authorize("op_2", "pay_2", 2000));
        }
        Files.writeString(dir.resolve("processor-journal.jsonl"), "{\"seq\":3,\"requestId\":\"op_3\"", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        SimulatedProcessor restarted = new SimulatedProcessor(CLOCK, new FileJournal(dir, json), decisions);
        assertThat(restarted.find("op_2")).get().extracting(OperationResult::amountMinor).isEqualTo(2000L);
        assertThat(restarted.find("op_3")).isEmpty();
        assertThat(restarted.execute(authorize("op_1", "pay_1", 1000)).replayed()).isTrue();
        assertThat(restarted.execute(authorize("op_3", "pay_3", 3000)).result().seq()).isEqualTo(3);
        assertThat(restarted.listAfter(1, 10)).extracting(OperationResult::requestId).containsExactly("op_2", "op_3");
    }
}
