package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {
  private static final EgressEntry NAME = EgressEntry.parse("pkg.example.com");

  @Test
  void loopbackPrivateLinkLocalAndSpecialAddressesAreRefusedForANameEntry() {
    for (String literal :
        List.of(
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.5",
            "172.16.0.1",
            "172.17.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.0.170",
            "198.18.0.1",
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fc00::1",
            "fd00:ec2::254",
            "ff02::1",
            "fec0::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.5",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:a00:1::1",
            "2002:7f00:1::1")) {
      assertThat(AddressPolicy.permitted(address(literal), NAME)).as(literal).isFalse();
    }
  }

  @Test
  void publicAddressesArePermittedForANameEntry() {
    for (String literal :
        List.of(
            "151.101.0.223",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "2a04:4e42::223",
            "64:ff9b::9765:df",
            "::ffff:151.101.0.223")) {
      assertThat(AddressPolicy.permitted(address(literal), NAME)).as(literal).isTrue();
    }
  }

  @Test
  void anAddressLiteralEntryPermitsExactlyItsOwnAddress() {
    EgressEntry loopback = EgressEntry.parse("127.0.0.1:8080");
    EgressEntry v6 = EgressEntry.parse("[fd00::7]:443");

    assertThat(AddressPolicy.permitted(address("127.0.0.1"), loopback)).isTrue();
    assertThat(AddressPolicy.permitted(address("127.0.0.2"), loopback)).isFalse();
    assertThat(AddressPolicy.permitted(address("151.101.0.223"), loopback)).isFalse();
    assertThat(AddressPolicy.permitted(address("fd00:0:0:0:0:0:0:7"), v6)).isTrue();
    assertThat(AddressPolicy.permitted(address("fd00::8"), v6)).isFalse();
  }

  private static InetAddress address(String literal) {
    return IpLiteral.parse(literal).orElseThrow(() -> new AssertionError(literal));
  }
}
