fn main() {
    println!("balun");
}
