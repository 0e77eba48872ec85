// netinspect::gen — the netstack2 Inspect key sets the generator writes, as
// asserted by Fuchsia's NS2 inspect integration test (ns2.rs) and recorded in
// docs/gen.md. A spec is a space-separated walk: `Name{` opens a child node,
// `}` closes it, `Name#` is an IntegralStatCounterMap ({"Total":{"Count":"n"}}
// with string counts), any other token is a uint counter.
#pragma once

#include <string_view>
#include <vector>

namespace netinspect::gen {

// `Networking Stat Counters`, split around MaxSocketOptionStats (written from
// the socket option groups) to keep the sample's key order.
inline constexpr std::string_view kCountersSpecHead =
    "DroppedPackets SocketCount SocketsCreated SocketsDestroyed ARP{ DisabledPacketsReceived "
    "MalformedPacketsReceived OutgoingRepliesDropped OutgoingRepliesSent "
    "OutgoingRequestBadLocalAddressErrors OutgoingRequestInterfaceHasNoLocalAddressErrors "
    "OutgoingRequestsDropped OutgoingRequestsSent PacketsReceived RepliesReceived RequestsReceived "
    "RequestsReceivedUnknownTargetAddress } DHCPv6{ ManagedAddress NoConfiguration "
    "OtherConfiguration } ICMP{ V4{ PacketsReceived{ DstUnreachable EchoReply EchoRequest InfoReply "
    "InfoRequest Invalid ParamProblem Redirect SrcQuench TimeExceeded Timestamp TimestampReply } "
    "PacketsSent{ Dropped DstUnreachable EchoReply EchoRequest InfoReply InfoRequest ParamProblem "
    "RateLimited Redirect SrcQuench TimeExceeded Timestamp TimestampReply } } V6{ PacketsReceived{ "
    "DstUnreachable EchoReply EchoRequest Invalid MulticastListenerDone MulticastListenerQuery "
    "MulticastListenerReport MulticastListenerReportV2 NeighborAdvert NeighborSolicit PacketTooBig "
    "ParamProblem RedirectMsg RouterAdvert RouterOnlyPacketsDroppedByHost RouterSolicit TimeExceeded "
    "Unrecognized } PacketsSent{ Dropped DstUnreachable EchoReply EchoRequest MulticastListenerDone "
    "MulticastListenerQuery MulticastListenerReport MulticastListenerReportV2 NeighborAdvert "
    "NeighborSolicit PacketTooBig ParamProblem RateLimited RedirectMsg RouterAdvert RouterSolicit "
    "TimeExceeded } } } IGMP{ PacketsReceived{ ChecksumErrors Invalid LeaveGroup MembershipQuery "
    "Unrecognized V1MembershipReport V2MembershipReport V3MembershipReport } PacketsSent{ Dropped "
    "LeaveGroup MembershipQuery V1MembershipReport V2MembershipReport V3MembershipReport } } IP{ "
    "DisabledPacketsReceived IPTablesForwardDropped IPTablesInputDropped IPTablesOutputDropped "
    "IPTablesPostroutingDropped IPTablesPreroutingDropped InvalidDestinationAddressesReceived "
    "InvalidSourceAddressesReceived MalformedFragmentsReceived MalformedPacketsReceived "
    "OptionRecordRouteReceived OptionRouterAlertReceived OptionTimestampReceived "
    "OptionUnknownReceived OutgoingPacketErrors PacketsDelivered PacketsReceived PacketsSent "
    "ValidPacketsReceived Forwarding{ Errors ExhaustedTTL ExtensionHeaderProblem HostUnreachable "
    "InitializingSource LinkLocalDestination LinkLocalSource NoMulticastPendingQueueBufferSpace "
    "OutgoingDeviceNoBufferSpace PacketTooBig UnexpectedMulticastInputInterface "
    "UnknownOutputEndpoint Unrouteable } } IPv6AddressConfig{ DHCPv6ManagedAddressOnly "
    "GlobalSLAACAndDHCPv6ManagedAddress GlobalSLAACOnly NoGlobalSLAACOrDHCPv6ManagedAddress }"
    ;
inline constexpr std::string_view kCountersSpecTail =
    "NICs{ MalformedL4RcvdPackets TxPacketsDroppedNoBufferSpace DisabledRx{ Bytes Packets } "
    "Neighbor{ DroppedConfirmationForNoninitiatedNeighbor DroppedInvalidLinkAddressConfirmations "
    "UnreachableEntryLookups } Rx{ Bytes Packets } Tx{ Bytes Packets } "
    "UnknownL3ProtocolRcvdPacketCounts# UnknownL4ProtocolRcvdPacketCounts# } TCP{ "
    "ActiveConnectionOpenings ChecksumErrors CurrentConnected CurrentEstablished EstablishedClosed "
    "EstablishedResets EstablishedTimedout FailedConnectionAttempts FailedPortReservations "
    "FastRecovery FastRetransmit ForwardMaxInFlightDrop InvalidSegmentsReceived "
    "ListenOverflowAckDrop ListenOverflowInvalidSynCookieRcvd ListenOverflowSynCookieRcvd "
    "ListenOverflowSynCookieSent ListenOverflowSynDrop PassiveConnectionOpenings ResetsReceived "
    "ResetsSent Retransmits SACKRecovery SegmentSendErrors SegmentsAckedWithDSACK SegmentsSent "
    "SlowStartRetransmits SpuriousRTORecovery SpuriousRecovery TLPRecovery Timeouts "
    "ValidSegmentsReceived } UDP{ ChecksumErrors MalformedPacketsReceived PacketSendErrors "
    "PacketsReceived PacketsSent ReceiveBufferErrors UnknownPortErrors }"
    ;
// NIC `Stats` (gVisor tcpip.NICStats).
inline constexpr std::string_view kNicStatsSpec =
    "MalformedL4RcvdPackets TxPacketsDroppedNoBufferSpace DisabledRx{ Bytes Packets } Neighbor{ "
    "DroppedConfirmationForNoninitiatedNeighbor DroppedInvalidLinkAddressConfirmations "
    "UnreachableEntryLookups } Rx{ Bytes Packets } Tx{ Bytes Packets } "
    "UnknownL3ProtocolRcvdPacketCounts# UnknownL4ProtocolRcvdPacketCounts#"
    ;
// NIC `Network Endpoint Stats` (ARP, IPv4, IPv6 protocol stats).
inline constexpr std::string_view kNetworkEndpointStatsSpec =
    "ARP{ ARP{ DisabledPacketsReceived MalformedPacketsReceived OutgoingRepliesDropped "
    "OutgoingRepliesSent OutgoingRequestBadLocalAddressErrors "
    "OutgoingRequestInterfaceHasNoLocalAddressErrors OutgoingRequestsDropped OutgoingRequestsSent "
    "PacketsReceived RepliesReceived RequestsReceived RequestsReceivedUnknownTargetAddress } } IPv4{ "
    "IP{ DisabledPacketsReceived IPTablesForwardDropped IPTablesInputDropped IPTablesOutputDropped "
    "IPTablesPostroutingDropped IPTablesPreroutingDropped InvalidDestinationAddressesReceived "
    "InvalidSourceAddressesReceived MalformedFragmentsReceived MalformedPacketsReceived "
    "OptionRecordRouteReceived OptionRouterAlertReceived OptionTimestampReceived "
    "OptionUnknownReceived OutgoingPacketErrors PacketsDelivered PacketsReceived PacketsSent "
    "ValidPacketsReceived Forwarding{ Errors ExhaustedTTL ExtensionHeaderProblem HostUnreachable "
    "InitializingSource LinkLocalDestination LinkLocalSource NoMulticastPendingQueueBufferSpace "
    "OutgoingDeviceNoBufferSpace PacketTooBig UnexpectedMulticastInputInterface "
    "UnknownOutputEndpoint Unrouteable } } IGMP{ PacketsSent{ Dropped LeaveGroup MembershipQuery "
    "V1MembershipReport V2MembershipReport V3MembershipReport } PacketsReceived{ ChecksumErrors "
    "Invalid LeaveGroup MembershipQuery Unrecognized V1MembershipReport V2MembershipReport "
    "V3MembershipReport } } ICMP{ PacketsSent{ Dropped DstUnreachable EchoReply EchoRequest "
    "InfoReply InfoRequest ParamProblem RateLimited Redirect SrcQuench TimeExceeded Timestamp "
    "TimestampReply } PacketsReceived{ DstUnreachable EchoReply EchoRequest InfoReply InfoRequest "
    "Invalid ParamProblem Redirect SrcQuench TimeExceeded Timestamp TimestampReply } } } IPv6{ "
    "UnhandledRouterAdvertisements IP{ DisabledPacketsReceived IPTablesForwardDropped "
    "IPTablesInputDropped IPTablesOutputDropped IPTablesPostroutingDropped IPTablesPreroutingDropped "
    "InvalidDestinationAddressesReceived InvalidSourceAddressesReceived MalformedFragmentsReceived "
    "MalformedPacketsReceived OptionRecordRouteReceived OptionRouterAlertReceived "
    "OptionTimestampReceived OptionUnknownReceived OutgoingPacketErrors PacketsDelivered "
    "PacketsReceived PacketsSent ValidPacketsReceived Forwarding{ Errors ExhaustedTTL "
    "ExtensionHeaderProblem HostUnreachable InitializingSource LinkLocalDestination LinkLocalSource "
    "NoMulticastPendingQueueBufferSpace OutgoingDeviceNoBufferSpace PacketTooBig "
    "UnexpectedMulticastInputInterface UnknownOutputEndpoint Unrouteable } } ICMP{ PacketsSent{ "
    "Dropped DstUnreachable EchoReply EchoRequest MulticastListenerDone MulticastListenerQuery "
    "MulticastListenerReport MulticastListenerReportV2 NeighborAdvert NeighborSolicit PacketTooBig "
    "ParamProblem RateLimited RedirectMsg RouterAdvert RouterSolicit TimeExceeded } PacketsReceived{ "
    "DstUnreachable EchoReply EchoRequest Invalid MulticastListenerDone MulticastListenerQuery "
    "MulticastListenerReport MulticastListenerReportV2 NeighborAdvert NeighborSolicit PacketTooBig "
    "ParamProblem RedirectMsg RouterAdvert RouterOnlyPacketsDroppedByHost RouterSolicit TimeExceeded "
    "Unrecognized } } }"
    ;
// TCP socket `Stats` (gVisor tcp.Stats): ChecksumErrors really appears twice in
// ReceiveErrors (an embedded struct and the outer one both declare it).
inline constexpr std::string_view kTcpSocketStatsSpec =
    "SegmentsReceived SegmentsSent FailedConnectionAttempts ReceiveErrors{ ReceiveBufferOverflow "
    "MalformedPacketsReceived ClosedReceiver ChecksumErrors SegmentQueueDropped ChecksumErrors "
    "ListenOverflowSynDrop ListenOverflowAckDrop ZeroRcvWindowState WantZeroRcvWindow } ReadErrors{ "
    "ReadClosed InvalidEndpointState NotConnected } SendErrors{ SendToNetworkFailed NoRoute "
    "SegmentSendToNetworkFailed SynSendToNetworkFailed Retransmits FastRetransmit Timeouts } "
    "WriteErrors{ WriteClosed InvalidEndpointState InvalidArgs }"
    ;
// UDP, ICMP, raw and packet socket `Stats` (tcpip.TransportEndpointStats).
inline constexpr std::string_view kTransportStatsSpec =
    "PacketsReceived PacketsSent ReceiveErrors{ ReceiveBufferOverflow MalformedPacketsReceived "
    "ClosedReceiver ChecksumErrors } ReadErrors{ ReadClosed InvalidEndpointState NotConnected } "
    "SendErrors{ SendToNetworkFailed NoRoute } WriteErrors{ WriteClosed InvalidEndpointState "
    "InvalidArgs }"
    ;
// `DHCP Info`.Stats counters after PacketDiscardStats.
inline constexpr std::string_view kDhcpStatsSpec =
    "InitAcquire RenewAcquire RebindAcquire SendDiscovers RecvOffers SendRequests RecvAcks RecvNaks "
    "SendDiscoverErrors SendRequestErrors RecvOfferErrors RecvOfferUnexpectedType "
    "RecvOfferOptsDecodeErrors RecvOfferTimeout RecvOfferAcquisitionTimeout RecvOfferNoServerAddress "
    "RecvAckErrors RecvNakErrors RecvAckOptsDecodeErrors RecvAckAddrErrors RecvAckUnexpectedType "
    "RecvAckTimeout RecvAckAcquisitionTimeout ReacquireAfterNAK"
    ;
// Socket option groups (COMMON + NETWORK + STREAM + RAW), in the order
// MaxSocketOptionStats lists them.
inline constexpr std::string_view kSocketOptionGroups =
    "SetReuseAddress GetReuseAddress GetError SetBroadcast GetBroadcast SetSendBuffer GetSendBuffer "
    "SetReceiveBuffer GetReceiveBuffer SetKeepAlive GetKeepAlive SetOutOfBandInline "
    "GetOutOfBandInline SetNoCheck GetNoCheck SetLinger GetLinger SetReusePort GetReusePort "
    "GetAcceptConn SetBindToDevice GetBindToDevice SetTimestamp GetTimestamp SetIpTypeOfService "
    "GetIpTypeOfService SetIpTtl GetIpTtl SetIpPacketInfo GetIpPacketInfo SetIpReceiveTypeOfService "
    "GetIpReceiveTypeOfService SetIpReceiveTtl GetIpReceiveTtl SetIpMulticastInterface "
    "GetIpMulticastInterface SetIpMulticastTtl GetIpMulticastTtl SetIpMulticastLoopback "
    "GetIpMulticastLoopback SetIpv6MulticastInterface GetIpv6MulticastInterface SetIpv6UnicastHops "
    "GetIpv6UnicastHops SetIpv6ReceiveHopLimit GetIpv6ReceiveHopLimit SetIpv6MulticastHops "
    "GetIpv6MulticastHops SetIpv6MulticastLoopback GetIpv6MulticastLoopback AddIpMembership "
    "DropIpMembership AddIpv6Membership DropIpv6Membership SetIpv6Only GetIpv6Only "
    "SetIpv6ReceiveTrafficClass GetIpv6ReceiveTrafficClass SetIpv6TrafficClass GetIpv6TrafficClass "
    "SetIpv6ReceivePacketInfo GetIpv6ReceivePacketInfo SetTcpNoDelay GetTcpNoDelay SetTcpMaxSegment "
    "GetTcpMaxSegment SetTcpCork GetTcpCork SetTcpKeepAliveIdle GetTcpKeepAliveIdle "
    "SetTcpKeepAliveInterval GetTcpKeepAliveInterval SetTcpKeepAliveCount GetTcpKeepAliveCount "
    "SetTcpSynCount GetTcpSynCount SetTcpLinger GetTcpLinger SetTcpDeferAccept GetTcpDeferAccept "
    "SetTcpWindowClamp GetTcpWindowClamp GetTcpInfo SetTcpQuickAck GetTcpQuickAck SetTcpCongestion "
    "GetTcpCongestion SetTcpUserTimeout GetTcpUserTimeout SetIpHeaderIncluded GetIpHeaderIncluded "
    "SetIcmpv6Filter GetIcmpv6Filter SetIpv6Checksum GetIpv6Checksum"
    ;
inline constexpr std::size_t kCommonOptions = 24, kNetworkOptions = 38, kStreamOptions = 27, kRawOptions = 6;
// `memstats` uint fields (GCCPUFraction, a double, is written last).
inline constexpr std::string_view kMemstatsKeys =
    "Alloc TotalAlloc Sys Lookups Mallocs Frees HeapAlloc HeapSys HeapIdle HeapInuse HeapReleased "
    "HeapObjects StackInuse StackSys MSpanInuse MSpanSys MCacheInuse MCacheSys BuckHashSys GCSys "
    "OtherSys NextGC LastGC PauseTotalNs NumGC NumForcedGC"
    ;

struct SchemaKeys {
  std::vector<std::string_view> max_socket_options;  // all groups, group order
  std::vector<std::string_view> socket_options;      // COMMON + NETWORK, sorted (per-socket order)
  std::vector<std::string_view> tcp_socket_options;  // + STREAM, sorted
  std::vector<std::string_view> raw_socket_options;  // + RAW, sorted
  std::vector<std::string_view> memstats;
};
const SchemaKeys& schema_keys();

}  // namespace netinspect::gen
