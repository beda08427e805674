package lab.load.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import lab.load.Targets.Service;
import org.junit.jupiter.api.Test;

class MixTest {

    @Test
    void sharesAreRenormalisedOverTheReachableServices() {
        Map<Service, Double> shares = Mix.parse(Mix.DEFAULT).sharesOf(EnumSet.of(Service.IDS, Service.RATELIMIT));
        assertThat(shares).containsOnlyKeys(Service.IDS, Service.RATELIMIT);
        assertThat(shares.get(Service.IDS)).isEqualTo(0.6);
        assertThat(shares.get(Service.RATELIMIT)).isEqualTo(0.4);
    }

    @Test
    void aMixNamingAnUnknownServiceIsRefused() {
        assertThatThrownBy(() -> Mix.parse("ids:1,queue:2")).hasMessageContaining("unknown service 'queue'");
        assertThatThrownBy(() -> Mix.parse("ids")).hasMessageContaining("SERVICE:WEIGHT");
    }
}
