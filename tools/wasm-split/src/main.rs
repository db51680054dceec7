//! Splits the portal's linked wasm (cargo's output, before wasm-bindgen) at its
//! `#[lazy]` blades, so the first load downloads only the shell and the first blade.
//!
//! `wasm-split-tool IN.wasm OUT_DIR MAIN_JS LINK_JS` writes `OUT_DIR/main.wasm` (for
//! wasm-bindgen), the loader `LINK_JS` and one file per split, and prints the split
//! files' paths. `MAIN_JS` is the module the loader imports `initSync` from.

use std::{env, fs, path::Path, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let [input, out_dir, main_module, link_name] = args.as_slice() else {
        eprintln!("usage: wasm-split-tool IN.wasm OUT_DIR MAIN_JS LINK_JS");
        return ExitCode::from(2);
    };
    let wasm = match fs::read(input) {
        Ok(wasm) => wasm,
        Err(e) => {
            eprintln!("wasm-split-tool: cannot read {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = Path::new(out_dir);
    let main_out = out.join("main.wasm");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = out;
    options.main_out_path = &main_out;
    options.main_module = main_module;
    options.link_name = link_name;
    match wasm_split_cli_support::transform(options) {
        Ok(split) => {
            for module in &split.split_modules {
                println!("{}", module.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm-split-tool: the split failed: {e:?}");
            ExitCode::FAILURE
        }
    }
}
