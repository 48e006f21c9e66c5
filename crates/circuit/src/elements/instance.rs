//! `X` elements: subcircuit instances, expanded in place.

use super::*;

impl<'a> Elab<'a> {
    pub(crate) fn instance(
        &mut self,
        e: &'a Element,
        nodes: &'a [netlist::Node],
        subckt: &Ident,
        params: &'a [Param],
        ctx: &Ctx<'a>,
    ) -> Result<(), ElabError> {
        let path = if ctx.path.is_empty() {
            e.name.name.clone()
        } else {
            format!("{}.{}", ctx.path, e.name.name)
        };
        let Some(def) = self.find_def(ctx.env, &subckt.name) else {
            // No hint: the variant has no field for one (see the crate report), and warnings
            // are lost when elaboration fails.
            return Err(ElabError::UnknownSubckt {
                span: subckt.span,
                element: path,
                subckt: subckt.name.clone(),
            });
        };
        let d = def.def;
        if nodes.len() != d.ports.len() {
            return Err(ElabError::PortCount {
                span: e.span,
                element: path,
                subckt: d.name.name.clone(),
                expected: d.ports.len(),
                found: nodes.len(),
            });
        }
        let key = d as *const SubcktDef as usize;
        if let Some(start) = self.stack.iter().position(|(k, _)| *k == key) {
            let mut chain: Vec<&str> = self.stack[start..]
                .iter()
                .map(|(_, n)| n.as_str())
                .collect();
            chain.push(&d.name.name);
            return Err(ElabError::Recursion {
                span: e.span,
                element: path,
                chain: chain.join(" -> "),
            });
        }
        if self.stack.len() >= MAX_DEPTH {
            let chain: Vec<&str> = self.stack.iter().map(|(_, n)| n.as_str()).collect();
            return Err(ElabError::Recursion {
                span: e.span,
                element: path,
                chain: format!(
                    "nesting deeper than {MAX_DEPTH} levels ({} -> ...)",
                    chain[..chain.len().min(5)].join(" -> ")
                ),
            });
        }
        self.register_name(&path, e.span)?;

        // Instance values are evaluated in the parent's scope.
        // ngspice also takes a parameter the `.subckt` line does not declare when a `.param`
        // card of the body defines it: the instance's value replaces that card's.
        let body_param = |name: &str| {
            d.items.iter().any(|item| {
                matches!(item, Item::Params(list) if list.iter().any(|bp| bp.name.name == name))
            })
        };
        let mut overrides = Vec::with_capacity(params.len());
        let mut body_overrides = Vec::new();
        for p in params {
            let declared = d.params.iter().any(|dp| dp.name.name == p.name.name);
            if !declared && body_param(&p.name.name) {
                body_overrides.push((p.name.name.as_str(), self.eval(&p.value)?));
                continue;
            }
            if !declared {
                let names = d.params.iter().map(|dp| dp.name.name.as_str());
                let hint = did_you_mean(&p.name.name, names);
                return Err(ElabError::BadReference {
                    span: p.name.span,
                    element: path,
                    message: format!(
                        "subcircuit '{}' has no parameter '{}'{hint}",
                        d.name.name, p.name.name
                    ),
                });
            }
            overrides.push((p.name.name.as_str(), self.eval(&p.value)?));
        }
        for (port, actual) in d.ports.iter().zip(nodes) {
            let is_ground = |n: &str| n == "0" || n == "gnd";
            if is_ground(&port.name) && !is_ground(&self.node_name(ctx, &actual.name)) {
                self.warn(
                    port.span,
                    format!(
                        "port '{}' of subcircuit '{}' is the global ground (as in ngspice): \
                         what an instance connects to it is not connected; rename the port",
                        port.name, d.name.name
                    ),
                );
            }
        }
        let port_map: HashMap<&'a str, String> = d
            .ports
            .iter()
            .zip(nodes)
            .map(|(port, actual)| (port.name.as_str(), self.node_name(ctx, &actual.name)))
            .collect();

        self.params.push_frame(def.body_env);
        for p in &d.params {
            self.params
                .define_lazy(&p.name.name, p.value.expr.clone(), p.value.span);
        }
        for (n, v) in overrides {
            self.params.define_value(n, v);
        }
        self.define_params(&d.items);
        for (n, v) in body_overrides {
            self.params.define_value(n, v);
        }
        self.stack.push((key, d.name.name.clone()));
        let inner = Ctx {
            path,
            ports: port_map,
            env: def.body_env,
        };
        let result = self
            .params
            .force_innermost()
            .and_then(|()| self.expand(&d.items, &inner));
        self.stack.pop();
        self.params.pop_frame();
        result
    }
}
