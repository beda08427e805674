package lab.processor.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;
import lab.platform.faults.FaultExtension;
import lab.processor.charges.FileJournal;
import lab.processor.charges.OperationResult;
import lab.processor.charges.SimulatedProcessor;
import lab.processor.drills.ProcessorDrills;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class ProcessorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ProcessorConfiguration.class);

    @Bean
    ProcessorDrills processorDrills() {
        return new ProcessorDrills(RandomGenerator.getDefault());
    }

    // Each drill is one member of POST /admin/faults: declineRate, failRate, timeoutRate, timeoutAfterSuccessRate.
    @Bean
    FaultExtension<Double> declineDrill(ProcessorDrills drills) {
        return drills.faults()[0];
    }

    @Bean
    FaultExtension<Double> failDrill(ProcessorDrills drills) {
        return drills.faults()[1];
    }

    @Bean
    FaultExtension<Double> timeoutDrill(ProcessorDrills drills) {
        return drills.faults()[2];
    }

    @Bean
    FaultExtension<Double> timeoutAfterSuccessDrill(ProcessorDrills drills) {
        return drills.faults()[3];
    }

    @Bean
    SimulatedProcessor simulatedProcessor(ProcessorDrills drills, JsonMapper json,
                                          @Value("${processor.journal-dir:}") String journalDir) {
        SimulatedProcessor.Journal journal;
        if (journalDir.isBlank()) {
            log.warn("processor.journal-dir (DATA_DIR) is not set: decisions live in memory and are lost on restart");
            journal = new SimulatedProcessor.Journal() {
                @Override
                public void append(OperationResult result) {
                }

                @Override
                public List<OperationResult> replay() {
                    return List.of();
                }
            };
        } else {
            journal = new FileJournal(Path.of(journalDir), json);
        }
        SimulatedProcessor processor = new SimulatedProcessor(Clock.systemUTC(), journal, drills);
        log.info("processor ready with {} journaled decisions", processor.listAfter(0, Integer.MAX_VALUE).size());
        return processor;
    }
}
