pub use diem;
