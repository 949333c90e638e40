/**
 * The netlink decoders (src/syscalls/decoders/netlink/) on hand-built messages, each expected
 * line written from strace 6.1's output for the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archTables } from '../../src/syscalls/arch';
import { addressFamilies } from '../../src/syscalls/decoders/net';
import { NetlinkDecoder } from '../../src/syscalls/decoders/netlink';
import { withBindingStyle } from '../../src/syscalls/decoders/xlat';

const tables = archTables('x86_64');
const nl = new NetlinkDecoder(tables, addressFamilies(tables));
const ROUTE = 0;
const SOCK_DIAG = 4;
const SELINUX = 7;
const NETFILTER = 12;

function nlmsg(type: number, flags: number, payload: Buffer, len = 16 + payload.length): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(len, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  return Buffer.concat([h, payload]);
}
function attr(type: number, data: Buffer, pad = true): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(4 + data.length, 0);
  h.writeUInt16LE(type, 2);
  return Buffer.concat([h, data, pad ? Buffer.alloc((4 - (data.length % 4)) % 4) : Buffer.alloc(0)]);
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const decode = (msg: Buffer, protocol = ROUTE, max = 32, len = msg.length, addr = 0x1000n) => nl.decode(msg, len, protocol, max, addr);
const HDR = (len: number, type: string, flags = 'NLM_F_REQUEST') => `{nlmsg_len=${len}, nlmsg_type=${type}, nlmsg_flags=${flags}, nlmsg_seq=0, nlmsg_pid=0}`;
const IFINFO = Buffer.from([0, 0, 0x04, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]); // AF_UNSPEC, ARPHRD_LOOPBACK(772), index 0, IFF_UP

test('IFLA_AF_SPEC: attributes named by family, inet6 ones decoded, other families in hex', () => {
  const inet6 = attr(10, attr(8, Buffer.from([1]))); // AF_INET6: IFLA_INET6_ADDR_GEN_MODE = IN6_ADDR_GEN_MODE_NONE
  const unix = attr(1, Buffer.from('abc'), false);
  const msg = nlmsg(18, 0x301, Buffer.concat([IFINFO, attr(26, Buffer.concat([inet6, unix]))]));
  assert.equal(
    decode(msg),
    `[${HDR(msg.length, 'RTM_GETLINK', 'NLM_F_REQUEST|NLM_F_DUMP')}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_LOOPBACK, ifi_index=0, ifi_flags=IFF_UP, ifi_change=0}, ` +
      '[{nla_len=23, nla_type=IFLA_AF_SPEC}, [[{nla_len=12, nla_type=AF_INET6}, [{nla_len=5, nla_type=IFLA_INET6_ADDR_GEN_MODE}, IN6_ADDR_GEN_MODE_NONE]], [{nla_len=7, nla_type=AF_UNIX}, "\\x61\\x62\\x63"]]]]',
  );
});

test('a message whose end could not be read: what was read, then the address of the rest', () => {
  const msg = nlmsg(18, 0x300, Buffer.concat([IFINFO, attr(26, attr(1, u32(0xcdcd)))]));
  // 44 bytes asked, 40 readable: the nested attribute's payload prints as its address.
  assert.equal(
    decode(msg.subarray(0, 40), ROUTE, 32, 44, 0x7f0000000fd8n),
    `[${HDR(44, 'RTM_GETLINK', 'NLM_F_DUMP')}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_LOOPBACK, ifi_index=0, ifi_flags=IFF_UP, ifi_change=0}, ` +
      '[{nla_len=12, nla_type=IFLA_AF_SPEC}, [{nla_len=8, nla_type=AF_UNIX}, 0x7f0000001000]]]',
  );
  // Two messages, the second's header unreadable: `... /* address */`.
  const two = Buffer.concat([nlmsg(1, 0x301, u32(0)), nlmsg(1, 1, u32(0))]);
  assert.equal(decode(two.subarray(0, 20), ROUTE, 32, 40, 0x2000n), `[[${HDR(20, 'NLMSG_NOOP', 'NLM_F_REQUEST|0x300')}, "\\x00\\x00\\x00\\x00"], ... /* 0x2014 */]`);
});

test('rtnetlink types without a header decoder, and short payloads, show the family', () => {
  assert.equal(decode(nlmsg(0xffff, 1, Buffer.from([0]))), `[${HDR(17, '0xffff /* RTM_??? */')}, {family=AF_UNSPEC}]`);
  assert.equal(decode(nlmsg(0xffff, 1, Buffer.from([2, 0xab]))), `[${HDR(18, '0xffff /* RTM_??? */')}, {family=AF_INET, data="\\xab"}]`);
  assert.equal(decode(nlmsg(30, 1, Buffer.from([2]))), `[${HDR(17, 'RTM_GETNEIGH')}, {ndm_family=AF_INET, ...}]`);
});

test('rtnetlink headers: rtmsg names rtm_tos and rtm_flags, ndmsg, if_stats_msg, cache reports', () => {
  const rt = Buffer.from([2, 0, 0, 0x10, 254, 4, 0, 1, 0, 1, 0, 0]); // IPTOS_LOWDELAY, RTM_F_NOTIFY
  assert.equal(
    decode(nlmsg(26, 1, rt)),
    `[${HDR(28, 'RTM_GETROUTE')}, {rtm_family=AF_INET, rtm_dst_len=0, rtm_src_len=0, rtm_tos=IPTOS_LOWDELAY, rtm_table=RT_TABLE_MAIN, rtm_protocol=RTPROT_STATIC, rtm_scope=RT_SCOPE_UNIVERSE, rtm_type=RTN_UNICAST, rtm_flags=RTM_F_NOTIFY}]`,
  );
  const nd = Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x80, 1]);
  assert.equal(
    decode(nlmsg(28, 0x400, Buffer.concat([nd, attr(1, Buffer.from([127, 0, 0, 1]))]))),
    `[${HDR(36, 'RTM_NEWNEIGH', 'NLM_F_CREATE')}, {ndm_family=AF_INET, ndm_ifindex=0, ndm_state=NUD_REACHABLE, ndm_flags=NTF_ROUTER, ndm_type=RTN_UNICAST}, [{nla_len=8, nla_type=NDA_DST}, inet_addr("127.0.0.1")]]`,
  );
  const stats = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]), u32(0x6)]);
  assert.equal(
    decode(nlmsg(94, 0x300, Buffer.concat([stats, attr(6, u32(1))]))),
    `[${HDR(36, 'RTM_GETSTATS', 'NLM_F_DUMP')}, {family=AF_UNSPEC, ifindex=0, filter_mask=1<<IFLA_STATS_LINK_64|1<<IFLA_STATS_LINK_XSTATS}, [{nla_len=8, nla_type=0x6 /* IFLA_STATS_??? */}, "\\x01\\x00\\x00\\x00"]]`,
  );
  assert.equal(
    decode(nlmsg(96, 0, Buffer.concat([Buffer.from([128, 0, 0, 0]), attr(2, u32(3))]))),
    `[${HDR(28, 'RTM_NEWCACHEREPORT', '0')}, {rtgen_family=RTNL_FAMILY_IPMR}, [{nla_len=8, nla_type=IPMRA_CREPORT_VIF_ID}, 3]]`,
  );
});

test('message type names of netfilter, selinux and sock_diag, and their payloads', () => {
  assert.equal(decode(nlmsg(0x10, 1, Buffer.alloc(0)), NETFILTER), HDR(16, 'NFNL_MSG_BATCH_BEGIN'));
  assert.equal(decode(nlmsg(0x1ff, 1, Buffer.alloc(0)), NETFILTER), HDR(16, 'NFNL_SUBSYS_CTNETLINK<<8|0xff /* IPCTNL_MSG_CT_??? */'));
  assert.equal(decode(nlmsg(0xffff, 1, Buffer.alloc(0)), NETFILTER), HDR(16, '0xff /* NFNL_SUBSYS_??? */<<8|0xff'));
  const nfgen = Buffer.from([1, 0, 0, 10]);
  assert.equal(decode(nlmsg(0xa00, 1, nfgen), NETFILTER), `[${HDR(20, 'NFNL_SUBSYS_NFTABLES<<8|NFT_MSG_NEWTABLE')}, {nfgen_family=AF_UNIX, version=NFNETLINK_V0, res_id=htons(NFNL_SUBSYS_NFTABLES)}]`);
  assert.equal(decode(nlmsg(0x10, 1, u32(1)), SELINUX), `[${HDR(20, 'SELNL_MSG_SETENFORCE')}, {val=1}]`);
  assert.equal(decode(nlmsg(0xffff, 1, u32(1)), SELINUX), `[${HDR(20, '0xffff /* SELNL_MSG_??? */')}, "\\x01\\x00\\x00\\x00"]`);
  assert.equal(decode(nlmsg(20, 1, Buffer.from([0xff])), SOCK_DIAG), `[${HDR(17, 'SOCK_DIAG_BY_FAMILY')}, {family=0xff /* AF_??? */}]`);
});

test('IFLA_LINKINFO: the kind names how IFLA_INFO_DATA is decoded', () => {
  const kind = attr(1, Buffer.from('tun\0'));
  const data = attr(2, attr(3, Buffer.from([1]))); // IFLA_TUN_TYPE = IFF_TUN
  const msg = nlmsg(18, 0x300, Buffer.concat([IFINFO, attr(18, Buffer.concat([kind, data]))]));
  assert.equal(
    decode(msg),
    `[${HDR(msg.length, 'RTM_GETLINK', 'NLM_F_DUMP')}, {ifi_family=AF_UNSPEC, ifi_type=ARPHRD_LOOPBACK, ifi_index=0, ifi_flags=IFF_UP, ifi_change=0}, ` +
      '[{nla_len=24, nla_type=IFLA_LINKINFO}, [[{nla_len=8, nla_type=IFLA_INFO_KIND}, "tun"], [{nla_len=12, nla_type=IFLA_INFO_DATA}, [{nla_len=5, nla_type=IFLA_TUN_TYPE}, IFF_TUN]]]]]',
  );
});

test('sock_diag: inet_diag_req_v2 with its bytecode, inet_diag_msg with meminfo arrays', () => {
  const req = Buffer.alloc(56);
  req.set([2, 6, 0, 0]); // AF_INET, IPPROTO_TCP
  req.writeUInt32LE(1 << 10, 4); // 1<<TCP_LISTEN
  req.writeUInt16BE(80, 8);
  req.set([127, 0, 0, 1], 12);
  const bc = attr(1, Buffer.from([7, 4, 8, 0])); // INET_DIAG_BC_S_COND, yes=4, no=8
  const sent = decode(nlmsg(20, 0x301, Buffer.concat([req, bc])), SOCK_DIAG);
  assert.equal(
    sent,
    `[${HDR(80, 'SOCK_DIAG_BY_FAMILY', 'NLM_F_REQUEST|NLM_F_DUMP')}, {sdiag_family=AF_INET, sdiag_protocol=IPPROTO_TCP, idiag_ext=0, idiag_states=1<<TCP_LISTEN, ` +
      'id={idiag_sport=htons(80), idiag_dport=htons(0), idiag_src=inet_addr("127.0.0.1"), idiag_dst=inet_addr("0.0.0.0"), idiag_if=0, idiag_cookie=[0, 0]}}, ' +
      '[{nla_len=8, nla_type=INET_DIAG_REQ_BYTECODE}, {code=INET_DIAG_BC_S_COND, yes=4, no=8}]]',
  );
  const msg = Buffer.alloc(72);
  msg.set([10, 10]); // AF_INET6, TCP_LISTEN
  const mem = attr(7, Buffer.concat([u32(1), u32(2)])); // INET_DIAG_SKMEMINFO
  assert.match(
    decode(nlmsg(20, 2, Buffer.concat([msg, mem])), SOCK_DIAG),
    /inet_pton\(AF_INET6, "::", &idiag_src\).*\[\{nla_len=12, nla_type=INET_DIAG_SKMEMINFO\}, \[\[SK_MEMINFO_RMEM_ALLOC\]=1, \[SK_MEMINFO_RCVBUF\]=2\]\]\]$/,
  );
});

test('traffic control: TCA_STATS2 nested statistics', () => {
  const tcm = Buffer.alloc(20);
  const basic = Buffer.alloc(12);
  basic.writeBigUInt64LE(5n);
  basic.writeUInt32LE(6, 8);
  const msg = nlmsg(38, 0x300, Buffer.concat([tcm, attr(7, attr(1, basic))]));
  assert.equal(
    decode(msg),
    `[${HDR(msg.length, 'RTM_GETQDISC', 'NLM_F_DUMP')}, {tcm_family=AF_UNSPEC, tcm_ifindex=0, tcm_handle=0, tcm_parent=0, tcm_info=0}, ` +
      '[{nla_len=20, nla_type=TCA_STATS2}, [{nla_len=16, nla_type=TCA_STATS_BASIC}, {bytes=5, packets=6}]]]',
  );
});

test('NETLINK_KOBJECT_UEVENT: udev monitor header, or the bytes as a string when the call failed', () => {
  const h = Buffer.alloc(40);
  h.write('libudev\0');
  h.writeUInt32BE(0xfeedcafe, 8);
  h.writeUInt32LE(40, 12);
  const msg = Buffer.concat([h, Buffer.from('ACTION=add')]);
  assert.equal(
    nl.decode(msg, msg.length, 15, 32, 0x1000n),
    '[{prefix="libudev", magic=htonl(0xfeedcafe), header_size=40, properties_off=0, properties_len=0, filter_subsystem_hash=htonl(0), ' +
      'filter_devtype_hash=htonl(0), filter_tag_bloom_hi=htonl(0), filter_tag_bloom_lo=htonl(0)}, "ACTION=add"]',
  );
  assert.equal(nl.decode(msg.subarray(0, 4), 50, 15, 32, 0x1000n, true), '0x1000');
});

test('-X raw and -X verbose: message types, flags, families, struct fields, attribute types, indices and addresses', () => {
  const raw = withBindingStyle('raw', () => new NetlinkDecoder(tables, addressFamilies(tables)));
  const verbose = withBindingStyle('verbose', () => new NetlinkDecoder(tables, addressFamilies(tables)));
  const bridge = Buffer.from([7, 0, 0x04, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]); // AF_BRIDGE, ARPHRD_LOOPBACK, index 0, IFF_UP
  const rootId = attr(12, attr(13, Buffer.from([0xab, 0xcd, 0xab, 0xcd, 0xef, 0xac, 0xbc, 0xcd]))); // IFLA_PROTINFO: IFLA_BRPORT_ROOT_ID
  const msg = nlmsg(18, 0x300, Buffer.concat([bridge, rootId]));
  assert.equal(
    raw.decode(msg, msg.length, ROUTE, 32),
    '[{nlmsg_len=48, nlmsg_type=0x12, nlmsg_flags=0x300, nlmsg_seq=0, nlmsg_pid=0}, {ifi_family=0x7, ifi_type=0x304, ifi_index=0, ifi_flags=0x1, ifi_change=0}, ' +
      '[{nla_len=16, nla_type=0xc}, [{nla_len=12, nla_type=0xd}, {prio=[171, 205], addr="\\xab\\xcd\\xef\\xac\\xbc\\xcd"}]]]',
  );
  assert.equal(
    verbose.decode(msg, msg.length, ROUTE, 32),
    '[{nlmsg_len=48, nlmsg_type=0x12 /* RTM_GETLINK */, nlmsg_flags=0x300 /* NLM_F_DUMP */, nlmsg_seq=0, nlmsg_pid=0}, ' +
      '{ifi_family=0x7 /* AF_BRIDGE */, ifi_type=0x304 /* ARPHRD_LOOPBACK */, ifi_index=0, ifi_flags=0x1 /* IFF_UP */, ifi_change=0}, ' +
      '[{nla_len=16, nla_type=0xc /* IFLA_PROTINFO */}, [{nla_len=12, nla_type=0xd /* IFLA_BRPORT_ROOT_ID */}, {prio=[171, 205], addr="\\xab\\xcd\\xef\\xac\\xbc\\xcd" /* ab:cd:ef:ac:bc:cd */}]]]',
  );
  // IFLA_INET6_CONF's indices print as numbers, with their names in verbose; an unknown attribute type keeps its comment there.
  const inet6 = Buffer.from([10, 0, 0x04, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  const conf = nlmsg(18, 0x300, Buffer.concat([inet6, attr(12, Buffer.concat([attr(2, Buffer.concat([u32(5), u32(6)])), attr(0x3ff, Buffer.alloc(0))]))]));
  const tail = (d: NetlinkDecoder) => d.decode(conf, conf.length, ROUTE, 32).replace(/^.*IFLA_INET6_CONF \*\/\}|^.*nla_type=0x2\}/, '');
  assert.equal(tail(raw), ', [[0]=5, [1]=6]], {nla_len=4, nla_type=0x3ff}]]]');
  assert.equal(tail(verbose), ', [[0 /* DEVCONF_FORWARDING */]=5, [1 /* DEVCONF_HOPLIMIT */]=6]], {nla_len=4, nla_type=0x3ff /* IFLA_INET6_??? */}]]]');
});

test('RTA_MULTIPATH: next hops with the route attributes each covers, several in an array', () => {
  const rtmsg = Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // AF_INET, the rest zero
  const nh = (len: number, attrs: Buffer) => Buffer.concat([Buffer.from([len, 0, 1, 171, 0, 0, 0, 0]), attrs]); // RTNH_F_DEAD, 171 hops, ifindex 0
  const gateway = attr(5, Buffer.from([222, 173, 190, 239])); // RTA_GATEWAY
  const one = nlmsg(26, 0x300, Buffer.concat([rtmsg, attr(9, nh(8, Buffer.alloc(0)))])); // RTM_GETROUTE
  const head = (len: number) => `{rtnh_len=${len}, rtnh_flags=RTNH_F_DEAD, rtnh_hops=171, rtnh_ifindex=0}`;
  const rt = (len: number) =>
    `[${HDR(len, 'RTM_GETROUTE', 'NLM_F_DUMP')}, {rtm_family=AF_INET, rtm_dst_len=0, rtm_src_len=0, rtm_tos=0, rtm_table=RT_TABLE_UNSPEC, rtm_protocol=RTPROT_UNSPEC, rtm_scope=RT_SCOPE_UNIVERSE, rtm_type=RTN_UNSPEC, rtm_flags=0}`;
  assert.equal(decode(one), `${rt(one.length)}, [{nla_len=12, nla_type=RTA_MULTIPATH}, ${head(8)}]]`);
  const two = nlmsg(26, 0x300, Buffer.concat([rtmsg, attr(9, Buffer.concat([nh(16, gateway), nh(8, Buffer.alloc(0))]))]));
  assert.equal(
    decode(two),
    `${rt(two.length)}, [{nla_len=28, nla_type=RTA_MULTIPATH}, [[${head(16)}, [{nla_len=8, nla_type=RTA_GATEWAY}, inet_addr("222.173.190.239")]], ${head(8)}]]]`,
  );
});
