//! `.lib balun cables`: cable presets (shielded twisted pair microphone cable, unshielded twisted
//! pair, coax, 3- and 4-conductor headphone cable) as lumped RLC ladders, with the interference a
//! cable run picks up: a magnetic field through the pair's twisting loop, a mains aggressor
//! coupling through mutual capacitance, and ground-loop current in the shield.
//!
//! Each twisted-pair or coax preset is a chain of [`SECTIONS_PER_CABLE`] instances of a segment
//! subcircuit (`cab_seg_*`: section `k` of `n` of a cable of length `len`). The text is written
//! by [`text`] (the chain is a loop, not 16 hand-copied lines) and served like the other
//! sections. The section's own comment block gives the equations; the numbers below are the
//! ones it states.
//!
//! **Why 16 sections.** At audio frequencies a cable is electrically tiny (a 100 m run is
//! 0.5 us long against 50 us for a quarter period at 20 kHz), so the ladder's error is the
//! lumping error of a short line, of order `(beta*len/n)^2/12`: for 100 m at 20 kHz
//! (`beta*len ~ 0.063 rad`) and `n = 16` that is ~1e-6 relative. The twisting residual does
//! not depend on `n` at all (each section's loop area is the exact integral over its length).
//! `tests/cables.rs` checks the 16-section 100 m `cable_mic` against 128 sections at 20 kHz
//! (600 ohm source, 10 kohm load): they differ by 6e-6 relative.

use std::fmt::Write as _;
use std::sync::LazyLock;

/// Sections in each twisted-pair / coax preset.
pub const SECTIONS_PER_CABLE: usize = 16;

/// The section text (built once).
pub fn text() -> &'static str {
    static TEXT: LazyLock<String> = LazyLock::new(build);
    &TEXT
}

const HEAD: &str = r#"* balun built-in library, section 'cables'
*
* Conventions of every cable model:
* - ports ending in 1 are the source end (z = 0), ports ending in 2 the far
*   end (z = len); len in metres, every per-unit-length value per metre
*   and per conductor unless stated;
* - lumped pi sections: each section k of n (dz = len/n) has the series
*   R and L of each conductor (mutually coupled, K), and half its shunt
*   capacitances at each end; the dielectric conductance G is left out
*   (polyethylene / PVC loss is negligible at audio frequencies);
* - fld (twisted pairs) is the magnetic field port: v(fld) = B in tesla
*   (against node 0), the flux density of a uniform field normal to the
*   cable axis. For a line current I (A) at distance d (m) drive it with
*   B = mu0*I/(2*pi*d) = 2e-7*I/d, e.g. with a CCVS on the current's V
*   source: Hfld fld 0 Vline {2e-7/d}. The model
*   differentiates it once (G into a 1 H inductor: v(db) = dB/dt), so the
*   pickup is exact in .ac (j*omega*B) and in .tran;
* - agg is the aggressor conductor's voltage against node 0 (mains:
*   230 V rms, i.e. AC 325 for the peak, or AC 230 for rms figures).
*
* Twisting. The pair turns about the axis: its orientation is
*   theta(z) = 2*pi*twist*z + phi   (twist in turns per metre)
* and the flux of B linked by the pair (conductor spacing sp) between z1
* and z2 is B*sp*I12, with
*   I12 = int_z1^z2 cos(theta) dz = 2*sin(w*dz/2)/w * cos(w*zm + phi)
*   w = 2*pi*twist, dz = z2 - z1, zm = (z1 + z2)/2,
* exact for any section count (the sum over sections telescopes to
* (sin(w*len + phi) - sin(phi))/w). twist = 0 gives I12 = dz*cos(phi): the
* expressions use w + 1e-300, which leaves every twist > 0 unchanged.
* Each section puts -sp*I12/2 * dB/dt in series with a and +sp*I12/2 *
* dB/dt with b: the open far end sees v(a2,b2) = -sp*I(0,len)*dB/dt
* (Faraday, EMF = -dPhi/dt, phi = 0 meaning the pair lies across the
* field), with no common mode. A whole number of half twists cancels; the
* residual is at most sp/(2*pi*twist) of area (a quarter turn's worth).
* An untwisted pair (twist = 0, phi = 0) links B*sp*len: |v| = omega*B*A.
* The pair's capacitances to an aggressor on the same side (phi = 0) are
*   Ca = cagg*(dz + dagg*I12),  Cb = cagg*(dz - dagg*I12)
* the same orientation factor: the conductor nearer the aggressor couples
* more, and twisting equalises them to the same residual.
*
"#;

const SEG_STP: &str = r#"* ---------------------------------------------------------------------------
* cab_seg_stp a1 b1 s1 a2 b2 s2 db agg
*   params: len=10 n=16 k=0 twist=25 phi=0 sp=1.4m r=54m rs=50m
*           ldm=0.49u lcm=0.15u ls=1u cab=111p cs=109p cimb=0 cagg=1p
*   Section k (0..n-1) of a shielded twisted pair (conductors a, b, shield
*   s), dz = len/n, from z = k*dz. Series: r*dz on a and b, rs*dz on s;
*   partial inductances (per metre) referred to the ground return outside
*   the cable:
*     La = Lb = ldm/4 + lcm + ls,   M(a,b) = lcm + ls - ldm/4,
*     Ls = ls,                      M(a,s) = M(b,s) = ls
*   so the differential loop (a out, b back) has ldm, the common-mode loop
*   (a and b out, shield back) lcm, and the shield against the outside
*   return ls. M(a,s) = Ls is the tubular-shield result (all of the shield
*   current's flux links the inner conductors): the shield current's
*   inductive drop is common to shield and conductors, so the transfer
*   impedance between them is the shield resistance rs (per metre) at
*   audio frequencies: a shield current I puts -I*rs*len on both inner
*   conductors relative to the shield, a common-mode voltage.
*   Shunt (halves at each end): cab a-b, cs*(1 +- cimb/2) a-s and b-s
*   (cimb: relative capacitance imbalance), cagg agg-s (the shield takes
*   the aggressor's charge). Field: the twisting EMFs of the header, from
*   v(db) = dB/dt.
*   Units: len, sp (m); twist (1/m); phi (rad); r, rs (ohm/m); ldm, lcm,
*   ls (H/m); cab, cs, cagg (F/m). Defaults: cable_mic's.
* ---------------------------------------------------------------------------
.subckt cab_seg_stp a1 b1 s1 a2 b2 s2 db agg
+ params: len=10 n=16 k=0 twist=25 phi=0 sp=1.4m r=54m rs=50m
+ ldm=0.49u lcm=0.15u ls=1u cab=111p cs=109p cimb=0 cagg=1p
.param w={6.283185307179586*twist+1e-300}
.param ik={2*sin(w*len/n/2)/w*cos(w*(k+0.5)*len/n+phi)}
Ra a1 ra {r*len/n}
La ra ea {(ldm/4+lcm+ls)*len/n}
Ea ea a2 db 0 {sp*ik/2}
Rb b1 rb {r*len/n}
Lb rb eb {(ldm/4+lcm+ls)*len/n}
Eb eb b2 db 0 {-sp*ik/2}
Rs s1 ms {rs*len/n}
Ls ms s2 {ls*len/n}
Kab La Lb {(lcm+ls-ldm/4)/(ldm/4+lcm+ls)}
Kas La Ls {sqrt(ls/(ldm/4+lcm+ls))}
Kbs Lb Ls {sqrt(ls/(ldm/4+lcm+ls))}
Cab1 a1 b1 {cab*len/n/2}
Cab2 a2 b2 {cab*len/n/2}
Cas1 a1 s1 {cs*(1+cimb/2)*len/n/2}
Cas2 a2 s2 {cs*(1+cimb/2)*len/n/2}
Cbs1 b1 s1 {cs*(1-cimb/2)*len/n/2}
Cbs2 b2 s2 {cs*(1-cimb/2)*len/n/2}
Cag1 agg s1 {cagg*len/n/2}
Cag2 agg s2 {cagg*len/n/2}
.ends cab_seg_stp

"#;

const SEG_UTP: &str = r#"* ---------------------------------------------------------------------------
* cab_seg_utp a1 b1 a2 b2 db agg
*   params: len=10 n=16 k=0 twist=60 phi=0 sp=0.95m r=93.8m ldm=0.52u
*           lcm=1u cab=52p cagg=1p dagg=5m
*   Section k of n of an unshielded twisted pair: as cab_seg_stp without
*   the shield. La = Lb = ldm/4 + lcm, M(a,b) = lcm - ldm/4: differential
*   loop ldm, common-mode loop (both conductors against the outside
*   return) lcm. Shunt halves: cab a-b, and the aggressor's
*     Ca = cagg*(dz + dagg*I12) agg-a,  Cb = cagg*(dz - dagg*I12) agg-b
*   (header). dagg is the relative difference of the two conductors'
*   coupling when the pair lies across the direction of the aggressor,
*   of order sp/(2*d) for an aggressor at distance d (5m: 0.95 mm at
*   ~10 cm; order of magnitude, not a field solution). Nothing couples to
*   node 0 but the aggressor: the pair's common mode is set by the
*   equipment at its ends.
*   Units as cab_seg_stp; dagg (-). Defaults: cable_utp's.
* ---------------------------------------------------------------------------
.subckt cab_seg_utp a1 b1 a2 b2 db agg
+ params: len=10 n=16 k=0 twist=60 phi=0 sp=0.95m r=93.8m ldm=0.52u
+ lcm=1u cab=52p cagg=1p dagg=5m
.param w={6.283185307179586*twist+1e-300}
.param ik={2*sin(w*len/n/2)/w*cos(w*(k+0.5)*len/n+phi)}
Ra a1 ra {r*len/n}
La ra ea {(ldm/4+lcm)*len/n}
Ea ea a2 db 0 {sp*ik/2}
Rb b1 rb {r*len/n}
Lb rb eb {(ldm/4+lcm)*len/n}
Eb eb b2 db 0 {-sp*ik/2}
Kab La Lb {(lcm-ldm/4)/(ldm/4+lcm)}
Cab1 a1 b1 {cab*len/n/2}
Cab2 a2 b2 {cab*len/n/2}
Caa1 agg a1 {cagg*(len/n+dagg*ik)/2}
Caa2 agg a2 {cagg*(len/n+dagg*ik)/2}
Cab1g agg b1 {cagg*(len/n-dagg*ik)/2}
Cab2g agg b2 {cagg*(len/n-dagg*ik)/2}
.ends cab_seg_utp

"#;

const SEG_COAX: &str = r#"* ---------------------------------------------------------------------------
* cab_seg_coax c1 s1 c2 s2 agg
*   params: len=10 n=16 k=0 rc=33m rs=9m lc=0.37u ls=1u cc=66p cagg=1p
*   Section k of n of a coaxial cable (centre c, shield s): rc*dz and
*   rs*dz, partial inductances Lc = lc + ls, Ls = ls, M(c,s) = ls
*   (tubular shield), so the loop centre-out / shield-back has lc and the
*   shield against the outside return ls. As for cab_seg_stp, a shield
*   current I puts -I*rs*len between centre and shield: for coax the
*   shield is the signal return, so that drop is in series with the
*   signal (transfer impedance = rs at audio frequencies; the skin-effect
*   and braid-leakage terms matter only above ~100 kHz). Shunt halves: cc
*   c-s, cagg agg-s. No field port: the flux of a uniform field through a
*   concentric line's cross-section cancels (the loop the field drives is
*   the ground loop through the shield; model it as a ground voltage).
*   Units: len (m); rc, rs (ohm/m); lc, ls (H/m); cc, cagg (F/m).
*   Defaults: cable_coax's.
* ---------------------------------------------------------------------------
.subckt cab_seg_coax c1 s1 c2 s2 agg
+ params: len=10 n=16 k=0 rc=33m rs=9m lc=0.37u ls=1u cc=66p cagg=1p
Rc c1 rc {rc*len/n}
Lc rc c2 {(lc+ls)*len/n}
Rs s1 ms {rs*len/n}
Ls ms s2 {ls*len/n}
Kcs Lc Ls {sqrt(ls/(lc+ls))}
Cc1 c1 s1 {cc*len/n/2}
Cc2 c2 s2 {cc*len/n/2}
Cag1 agg s1 {cagg*len/n/2}
Cag2 agg s2 {cagg*len/n/2}
.ends cab_seg_coax

"#;

const MIC: &str = r#"* ---------------------------------------------------------------------------
* cable_mic a1 b1 s1 a2 b2 s2 fld agg
*   params: len=10 twist=25 phi=0 sp=1.4m r=54m rs=50m ldm=0.49u
*           lcm=0.15u ls=1u cab=111p cs=109p cimb=0 cagg=1p
*   Shielded twisted pair microphone / line cable (22 AWG pair, foil
*   shield with drain), 16 cab_seg_stp sections; equations there.
*   Values, after the Belden 8451 data sheet as recalled (no copy at hand;
*   check against the current sheet):
*   - r: 22 AWG stranded copper ~16.5 ohm/kft = 54 mohm/m (wire table);
*   - cab: 34 pF/ft = 111 pF/m conductor to conductor (data sheet);
*     cs: "conductor to other conductor and shield" 67 pF/ft = 220 pF/m,
*     minus cab: 109 pF/m (derived);
*   - rs: foil plus 22 AWG drain, ~50 mohm/m (typical, drain-dominated);
*   - ldm: from geometry, (mu0/pi)*acosh(sp/d), sp = 1.4 mm between
*     centres, d = 0.76 mm: 0.49 uH/m (derived; Z0 = sqrt(ldm/cdm) ~ 55
*     ohm with cdm = cab + cs/2); lcm 0.15 uH/m (pair against a 1.5 mm
*     radius shield, derived); ls: shield against an outside return a few
*     cm away, (mu0/2pi)*ln(h/r) ~ 1 uH/m (typical);
*   - twist 25 turns/m (40 mm lay, typical of mic cable; not specified).
*   cagg: to the shield, ~1 pF/m for mains wiring ~10 cm away (order of
*   magnitude of two wires' capacitance, pi*eps0/ln(D^2/(r1*r2))).
* ---------------------------------------------------------------------------
"#;

const UTP: &str = r#"* ---------------------------------------------------------------------------
* cable_utp a1 b1 a2 b2 fld agg
*   params: len=10 twist=60 phi=0 sp=0.95m r=93.8m ldm=0.52u lcm=1u
*           cab=52p cagg=1p dagg=5m
*   One pair of Cat5e unshielded twisted pair, 16 cab_seg_utp sections.
*   - r: 9.38 ohm/100 m per conductor, the TIA-568 maximum for 24 AWG
*     (standard figure);
*   - cab 52 pF/m: typical mutual capacitance (TIA-568 limit 5.6 nF/100 m);
*   - ldm = Z0^2 * cab with Z0 = 100 ohm: 0.52 uH/m (derived);
*   - lcm 1 uH/m: the pair against an outside return a few cm away
*     (typical); sp 0.95 mm (24 AWG insulated, typical); twist 60 turns/m
*     (lays of 15-20 mm; each pair differs, not in the standard);
*   - cagg 1 pF/m, dagg 5m: see cab_seg_utp (order of magnitude).
* ---------------------------------------------------------------------------
"#;

const COAX: &str = r#"* ---------------------------------------------------------------------------
* cable_coax c1 s1 c2 s2 agg
*   params: len=10 rc=33m rs=9m lc=0.37u ls=1u cc=66p cagg=1p
*   Coaxial (RCA interconnect) cable, RG-59 class, 16 cab_seg_coax
*   sections. Values after the Belden 1505A data sheet as recalled (check
*   against the current sheet): Z0 75 ohm, 20 AWG solid copper centre
*   (33 mohm/m, wire table), capacitance ~66 pF/m (data sheet ~16-20
*   pF/ft), shield (foil plus 95% braid) ~9 mohm/m (~2.8 ohm/kft, recalled);
*   lc = Z0^2*cc = 0.37 uH/m (derived); ls 1 uH/m and cagg 1 pF/m as
*   cable_mic (typical). A thin consumer RCA lead has a thinner braid: set
*   rs=30m..100m.
* ---------------------------------------------------------------------------
"#;

const HEADPHONE: &str = r#"* ---------------------------------------------------------------------------
* cable_hp3 t1 r1 s1 t2 r2 s2   params: len=1.5 r=0.15 l=0.6u k=0.5 c=60p
*   3-conductor headphone cable (TRS: tip = left, ring = right, sleeve =
*   shared return), one pi section: headphone cables are metres long, so
*   a single section is exact to ~(omega*len/v)^2 ~ 1e-11 at 20 kHz.
*   Each conductor r*len and partial inductance l*len, every pair of
*   conductors coupled with k (loop inductance of two of them
*   2*l*(1-k) = 0.6 uH/m), capacitance c between every pair (halves at
*   each end). The shared sleeve's r*len is the return resistance behind
*   hp_trs3's crosstalk (0.15 ohm/m: 0.23 ohm for 1.5 m, about -43 dB
*   into 32 ohm). Values typical of 26-28 AWG copper or litz headphone
*   leads (not one data sheet). Units: len (m), r (ohm/m), l (H/m), c (F/m).
* ---------------------------------------------------------------------------
.subckt cable_hp3 t1 r1 s1 t2 r2 s2 params: len=1.5 r=0.15 l=0.6u k=0.5 c=60p
Rt t1 mt {r*len}
Lt mt t2 {l*len}
Rr r1 mr {r*len}
Lr mr r2 {l*len}
Rs s1 ms {r*len}
Ls ms s2 {l*len}
Ktr Lt Lr {k}
Kts Lt Ls {k}
Krs Lr Ls {k}
Ctr1 t1 r1 {c*len/2}
Ctr2 t2 r2 {c*len/2}
Cts1 t1 s1 {c*len/2}
Cts2 t2 s2 {c*len/2}
Crs1 r1 s1 {c*len/2}
Crs2 r2 s2 {c*len/2}
.ends cable_hp3

* ---------------------------------------------------------------------------
* cable_hp4 lp1 ln1 rp1 rn1 lp2 ln2 rp2 rn2
*   params: len=1.5 r=0.15 l=0.6u k=0.5 kx=0.3 c=60p cx=30p
*   4-conductor ("balanced") headphone cable: two pairs, left (lp, ln)
*   and right (rp, rn), no shared conductor; one pi section as cable_hp3.
*   Within a pair: coupling k, capacitance c; between conductors of
*   different pairs: kx and cx (the pairs lie further apart). r, l as
*   cable_hp3 (typical, not one data sheet).
* ---------------------------------------------------------------------------
.subckt cable_hp4 lp1 ln1 rp1 rn1 lp2 ln2 rp2 rn2
+ params: len=1.5 r=0.15 l=0.6u k=0.5 kx=0.3 c=60p cx=30p
Rlp lp1 mlp {r*len}
Llp mlp lp2 {l*len}
Rln ln1 mln {r*len}
Lln mln ln2 {l*len}
Rrp rp1 mrp {r*len}
Lrp mrp rp2 {l*len}
Rrn rn1 mrn {r*len}
Lrn mrn rn2 {l*len}
Kl Llp Lln {k}
Kr Lrp Lrn {k}
K1 Llp Lrp {kx}
K2 Llp Lrn {kx}
K3 Lln Lrp {kx}
K4 Lln Lrn {kx}
Cl1 lp1 ln1 {c*len/2}
Cl2 lp2 ln2 {c*len/2}
Cr1 rp1 rn1 {c*len/2}
Cr2 rp2 rn2 {c*len/2}
Cx1 ln1 rp1 {cx*len/2}
Cx2 ln2 rp2 {cx*len/2}
.ends cable_hp4
"#;

/// A chained preset: `ports` of the `.subckt` line, the per-section node names (conductors),
/// the trailing segment ports, the parameter list with defaults and the names passed down.
struct Chain {
    name: &'static str,
    seg: &'static str,
    doc: &'static str,
    conductors: &'static [&'static str],
    field: bool,
    defaults: &'static str,
}

const CHAINS: [Chain; 3] = [
    Chain {
        name: "cable_mic",
        seg: "cab_seg_stp",
        doc: MIC,
        conductors: &["a", "b", "s"],
        field: true,
        defaults: "len=10 twist=25 phi=0 sp=1.4m r=54m rs=50m ldm=0.49u lcm=0.15u ls=1u \
                   cab=111p cs=109p cimb=0 cagg=1p",
    },
    Chain {
        name: "cable_utp",
        seg: "cab_seg_utp",
        doc: UTP,
        conductors: &["a", "b"],
        field: true,
        defaults: "len=10 twist=60 phi=0 sp=0.95m r=93.8m ldm=0.52u lcm=1u cab=52p cagg=1p \
                   dagg=5m",
    },
    Chain {
        name: "cable_coax",
        seg: "cab_seg_coax",
        doc: COAX,
        conductors: &["c", "s"],
        field: false,
        defaults: "len=10 rc=33m rs=9m lc=0.37u ls=1u cc=66p cagg=1p",
    },
];

impl Chain {
    /// The `.subckt` ... `.ends` text: the differentiator (field presets) and the chain.
    fn write(&self, out: &mut String) {
        let n = SECTIONS_PER_CABLE;
        let end = |e: usize| -> Vec<String> {
            self.conductors.iter().map(|c| format!("{c}{e}")).collect()
        };
        let mut ports = end(1);
        ports.extend(end(2));
        if self.field {
            ports.push("fld".into());
        }
        ports.push("agg".into());
        let params: Vec<&str> = self
            .defaults
            .split_whitespace()
            .map(|p| p.split('=').next().unwrap_or(p))
            .filter(|p| *p != "len")
            .collect();
        let pass: String = params.iter().map(|p| format!(" {p}={{{p}}}")).collect();
        out.push_str(self.doc);
        let _ = writeln!(
            out,
            ".subckt {} {}\n+ params: {}",
            self.name,
            ports.join(" "),
            self.defaults
        );
        if self.field {
            out.push_str("* v(db) = dB/dt: the field as a current (1 A per T) through 1 H\n");
            out.push_str("Gd 0 db fld 0 1\nLd db 0 1\n");
        }
        // Node of conductor `c` between section k-1 and k: the ports at the ends.
        let node = |c: &str, k: usize| -> String {
            match k {
                0 => format!("{c}1"),
                k if k == n => format!("{c}2"),
                k => format!("{c}_{k}"),
            }
        };
        for k in 0..n {
            let mut nodes: Vec<String> = self.conductors.iter().map(|c| node(c, k)).collect();
            nodes.extend(self.conductors.iter().map(|c| node(c, k + 1)));
            if self.field {
                nodes.push("db".into());
            }
            nodes.push("agg".into());
            let _ = writeln!(
                out,
                "X{} {} {} len={{len}} n={n} k={k}{pass}",
                k + 1,
                nodes.join(" "),
                self.seg
            );
        }
        let _ = writeln!(out, ".ends {}\n", self.name);
    }
}

fn build() -> String {
    let mut out = String::from(HEAD);
    out.push_str(SEG_STP);
    out.push_str(SEG_UTP);
    out.push_str(SEG_COAX);
    for c in &CHAINS {
        c.write(&mut out);
    }
    out.push_str(HEADPHONE);
    out
}
